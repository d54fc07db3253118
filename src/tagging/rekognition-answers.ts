// What Rekognition's two answers mean to pixtag: DetectLabels' labels as Detections (parents as
// broader words, the best instance's box) and DetectText's lines as the image's text, in reading
// order. Pure: the calls are rekognition.ts's.
import type {
  BoundingBox,
  DetectLabelsResponse,
  DetectTextResponse,
} from '@aws-sdk/client-rekognition';
import { clipBox } from '../domain/box.js';
import type { Box } from '../domain/image.js';
import type { Detection } from './tagger.js';

/**
 * Lines read below it are left out. Rekognition's own word filter keeps words from 80 by default
 * (DetectText WordFilter.MinConfidence); below that it reads signs into noise.
 */
export const TEXT_MIN_CONFIDENCE = 80;
/** The label an image with legible text gets: the word the local tagger uses too. */
export const TEXT_LABEL = 'text';

/**
 * Rekognition's 0–100 as pixtag's 0–1, to 6 places: its scores are 32-bit floats (7 digits), and
 * 97.62 / 100 would otherwise be stored as 0.9762000000000001.
 */
const fraction = (percent: number) => Math.round(percent * 10_000) / 1_000_000;

function boxOf(box: BoundingBox | undefined): Box | undefined {
  if (!box) return undefined;
  const { Left, Top, Width, Height } = box;
  if (![Left, Top, Width, Height].every((n) => Number.isFinite(n))) return undefined;
  // Rekognition's boxes may reach past the frame (an object cut by the edge): clipped.
  return clipBox({ x: Left!, y: Top!, w: Width!, h: Height! });
}

/** Each label with its confidence, its ancestors as parents, and its best instance's box. */
export function labelsFrom(response: DetectLabelsResponse): Detection[] {
  const detections: Detection[] = [];
  for (const label of response.Labels ?? []) {
    const name = label.Name?.trim().toLowerCase();
    if (!name || !Number.isFinite(label.Confidence)) continue;
    const parents = (label.Parents ?? []).flatMap((p) => (p.Name?.trim() ? [p.Name] : []));
    const best = (label.Instances ?? [])
      .filter((instance) => instance.BoundingBox)
      .reduce<{ confidence: number; box: Box | undefined }>(
        (found, instance) => {
          const confidence = instance.Confidence ?? 0;
          const box = boxOf(instance.BoundingBox);
          return box && confidence > found.confidence ? { confidence, box } : found;
        },
        { confidence: -1, box: undefined },
      );
    detections.push({
      name,
      confidence: fraction(label.Confidence!),
      ...(best.box ? { box: best.box } : {}),
      ...(parents.length > 0 ? { parents } : {}),
    });
  }
  return detections;
}

interface Line {
  text: string;
  confidence: number;
  box: Box;
}

/**
 * The lines read with confidence, in reading order: rows from the top, each row from the left.
 * A line whose middle lies within the first line of the current row's height joins that row, so
 * two signs side by side read left to right even when one sits a little higher.
 */
export function linesFrom(response: DetectTextResponse): Line[] {
  const lines = (response.TextDetections ?? []).flatMap((detection): Line[] => {
    const text = detection.DetectedText?.replace(/\s+/g, ' ').trim();
    const confidence = detection.Confidence ?? 0;
    const box = boxOf(detection.Geometry?.BoundingBox);
    if (detection.Type !== 'LINE' || !text || confidence < TEXT_MIN_CONFIDENCE || !box) return [];
    return [{ text, confidence, box }];
  });
  lines.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const rows: Line[][] = [];
  for (const line of lines) {
    const row = rows.at(-1);
    const first = row?.[0];
    if (row && first && line.box.y + line.box.h / 2 <= first.box.y + first.box.h) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box.x - b.box.x));
}

/** The image's text (single-spaced, reading order) and its `text` label, when any was read. */
export function textFrom(response: DetectTextResponse): {
  text: string | undefined;
  labels: Detection[];
} {
  const lines = linesFrom(response);
  if (lines.length === 0) return { text: undefined, labels: [] };
  const best = lines.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return {
    text: lines.map((line) => line.text).join(' '),
    labels: [{ name: TEXT_LABEL, confidence: fraction(best.confidence), box: best.box }],
  };
}
