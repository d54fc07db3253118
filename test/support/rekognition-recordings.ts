// What the Rekognition fake (rekognition-fake.ts) answers for the test photos, and those
// recordings as the JSON of each operation's answer. The shapes are the
// API reference's DetectLabels and DetectText response syntax (Label: Name, Confidence 0–100,
// Instances[].BoundingBox {Width, Height, Left, Top} as fractions, Parents[].Name with every
// ancestor, Aliases, Categories; TextDetection: DetectedText, Type LINE | WORD, Id, ParentId on
// words, Confidence, Geometry {BoundingBox, Polygon}); the values were written for these photos by
// looking at them, in the style of the Developer Guide's examples (labels with their ancestors
// listed as labels too, scores in the high 90s for what is plainly there).

export interface RecordedLabel {
  name: string;
  confidence: number;
  parents?: string[];
  /** Left, Top, Width, Height, Confidence. */
  instances?: [number, number, number, number, number][];
  categories?: string[];
}

export interface RecordedLine {
  text: string;
  confidence: number;
  /** Left, Top, Width, Height. */
  box: [number, number, number, number];
}

export interface Recording {
  labels: RecordedLabel[];
  lines: RecordedLine[];
}

export const RECORDINGS: Record<string, Recording> = {
  'bus.jpg': {
    labels: [
      {
        name: 'Bus',
        confidence: 99.94,
        parents: ['Transportation', 'Vehicle'],
        instances: [[0.0337, 0.2741, 0.8924, 0.5336, 99.41]],
        categories: ['Vehicles and Automotive'],
      },
      { name: 'Transportation', confidence: 99.94, categories: ['Vehicles and Automotive'] },
      {
        name: 'Vehicle',
        confidence: 99.94,
        parents: ['Transportation'],
        categories: ['Vehicles and Automotive'],
      },
      {
        name: 'Person',
        confidence: 97.62,
        instances: [
          [0.7331, 0.4567, 0.0601, 0.0962, 97.62],
          [0.3605, 0.4688, 0.0481, 0.0841, 81.09],
        ],
        categories: ['Person Description'],
      },
      {
        name: 'City',
        confidence: 96.31,
        parents: ['Urban'],
        categories: ['Buildings and Architecture'],
      },
      { name: 'Urban', confidence: 96.31, categories: ['Buildings and Architecture'] },
      {
        name: 'Street',
        confidence: 93.82,
        parents: ['City', 'Road', 'Urban'],
        categories: ['Buildings and Architecture'],
      },
      { name: 'Road', confidence: 93.82, categories: ['Buildings and Architecture'] },
      {
        name: 'Traffic Light',
        confidence: 71.36,
        parents: ['Light'],
        instances: [[0.9255, 0.3582, 0.0312, 0.0889, 71.36]],
        categories: ['Vehicles and Automotive'],
      },
      { name: 'Light', confidence: 71.36, categories: ['Home and Indoors'] },
      { name: 'Tarmac', confidence: 58.07, categories: ['Buildings and Architecture'] },
    ],
    lines: [
      // The destination display, the side advert, the fleet number; a blur the reader doubts.
      { text: '500 OPERA', confidence: 98.71, box: [0.7272, 0.3125, 0.1562, 0.0216] },
      { text: 'LOS CARMENES', confidence: 97.93, box: [0.7236, 0.3353, 0.1599, 0.0252] },
      { text: 'Herramar', confidence: 95.12, box: [0.1058, 0.5553, 0.0649, 0.0192] },
      { text: '55', confidence: 88.4, box: [0.9038, 0.607, 0.0192, 0.0204] },
      { text: 'ESPERA', confidence: 41.55, box: [0.4567, 0.3197, 0.0793, 0.0144] },
    ],
  },
  'astronaut.png': {
    labels: [
      {
        name: 'Person',
        confidence: 99.61,
        instances: [[0.039, 0.0293, 0.6738, 0.9707, 99.61]],
        categories: ['Person Description'],
      },
      { name: 'Adult', confidence: 99.61, parents: ['Person'], categories: ['Person Description'] },
      {
        name: 'Female',
        confidence: 99.61,
        parents: ['Person'],
        categories: ['Person Description'],
      },
      {
        name: 'Woman',
        confidence: 99.61,
        parents: ['Adult', 'Female', 'Person'],
        categories: ['Person Description'],
      },
      { name: 'Astronaut', confidence: 98.87, parents: ['Person'], categories: ['Professions'] },
      {
        name: 'Flag',
        confidence: 97.15,
        instances: [[0, 0, 0.1875, 0.9766, 96.88]],
        categories: ['Symbols and Flags'],
      },
      {
        name: 'Helmet',
        confidence: 96.52,
        parents: ['Clothing'],
        instances: [[0.5449, 0.6699, 0.4551, 0.3301, 96.52]],
        categories: ['Apparel and Accessories'],
      },
      { name: 'Clothing', confidence: 96.52, categories: ['Apparel and Accessories'] },
      {
        name: 'Face',
        confidence: 95.02,
        parents: ['Head', 'Person'],
        categories: ['Person Description'],
      },
      { name: 'Head', confidence: 95.02, parents: ['Person'], categories: ['Person Description'] },
      {
        name: 'Space Shuttle',
        confidence: 74.9,
        parents: ['Aircraft', 'Transportation', 'Vehicle'],
        categories: ['Vehicles and Automotive'],
      },
    ],
    // The mission patch: too small to read with confidence.
    lines: [{ text: 'COLLINS ASHBY', confidence: 62.3, box: [0.2734, 0.6855, 0.1309, 0.0215] }],
  },
  'squirrel.webp': {
    labels: [
      { name: 'Animal', confidence: 99.83, categories: ['Animals and Pets'] },
      { name: 'Mammal', confidence: 99.83, parents: ['Animal'], categories: ['Animals and Pets'] },
      {
        name: 'Rodent',
        confidence: 99.83,
        parents: ['Animal', 'Mammal'],
        categories: ['Animals and Pets'],
      },
      {
        name: 'Squirrel',
        confidence: 99.71,
        parents: ['Animal', 'Mammal', 'Rodent'],
        instances: [[0.2393, 0.2535, 0.4336, 0.5962, 99.71]],
        categories: ['Animals and Pets'],
      },
      { name: 'Wildlife', confidence: 88.2, parents: ['Animal'], categories: ['Animals and Pets'] },
      { name: 'Tree', confidence: 84.05, parents: ['Plant'], categories: ['Nature and Outdoors'] },
      { name: 'Plant', confidence: 84.05, categories: ['Nature and Outdoors'] },
    ],
    lines: [],
  },
  'chelsea.png': {
    labels: [
      { name: 'Animal', confidence: 99.52, categories: ['Animals and Pets'] },
      {
        name: 'Cat',
        confidence: 99.52,
        parents: ['Animal', 'Mammal', 'Pet'],
        instances: [[0.0443, 0.0167, 0.9335, 0.9833, 98.7]],
        categories: ['Animals and Pets'],
      },
      { name: 'Mammal', confidence: 99.52, parents: ['Animal'], categories: ['Animals and Pets'] },
      { name: 'Pet', confidence: 99.52, parents: ['Animal'], categories: ['Animals and Pets'] },
      {
        name: 'Abyssinian',
        confidence: 86.11,
        parents: ['Animal', 'Cat', 'Mammal', 'Pet'],
        categories: ['Animals and Pets'],
      },
    ],
    lines: [],
  },
};

/** What the fake answers for a picture it has no recording of. */
export const UNKNOWN_PICTURE: Recording = {
  labels: [{ name: 'Pattern', confidence: 61.4, categories: ['Patterns and Shapes'] }],
  lines: [],
};

const box = ([Left, Top, Width, Height]: readonly number[]) => ({ Width, Height, Left, Top });
const polygon = ([left, top, width, height]: readonly number[]) => [
  { X: left, Y: top },
  { X: left! + width!, Y: top },
  { X: left! + width!, Y: top! + height! },
  { X: left, Y: top! + height! },
];

/** DetectLabels' answer: the recording above MinConfidence (default 55), at most MaxLabels. */
export function detectLabelsAnswer(recording: Recording, body: Record<string, unknown>) {
  const min = (body.MinConfidence as number | undefined) ?? 55;
  const max = (body.MaxLabels as number | undefined) ?? 1000;
  const labels = recording.labels
    .filter((label) => label.confidence >= min)
    .slice(0, max)
    .map((label) => ({
      Name: label.name,
      Confidence: label.confidence,
      Instances: (label.instances ?? []).map(([left, top, width, height, confidence]) => ({
        BoundingBox: box([left, top, width, height]),
        Confidence: confidence,
      })),
      Parents: (label.parents ?? []).map((name) => ({ Name: name })),
      Aliases: [],
      Categories: (label.categories ?? []).map((name) => ({ Name: name })),
    }));
  return { Labels: labels, LabelModelVersion: '3.0' };
}

/** DetectText's answer: each line, then its words (split evenly along the line). */
export function detectTextAnswer(recording: Recording) {
  let id = 0;
  const detections: object[] = [];
  const words: object[] = [];
  for (const line of recording.lines) {
    const lineId = id++;
    detections.push({
      DetectedText: line.text,
      Type: 'LINE',
      Id: lineId,
      Confidence: line.confidence,
      Geometry: { BoundingBox: box(line.box), Polygon: polygon(line.box) },
    });
    const parts = line.text.split(' ');
    const [left, top, width, height] = line.box;
    parts.forEach((part, i) => {
      const wordBox = [left + (width * i) / parts.length, top, width / parts.length, height];
      words.push({
        DetectedText: part,
        Type: 'WORD',
        Id: 0, // numbered after every line, as Rekognition lists lines first
        ParentId: lineId,
        Confidence: line.confidence,
        Geometry: { BoundingBox: box(wordBox), Polygon: polygon(wordBox) },
      });
    });
  }
  for (const word of words) detections.push({ ...word, Id: id++ });
  return { TextDetections: detections, TextModelVersion: '3.0' };
}
