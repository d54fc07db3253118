// The tables bench/quality.ts prints, in markdown ready for BENCHMARKS.md, and the choice of a
// cut-off: made on the `tune` photos only, then reported on `heldout`.
import {
  BROAD_NAMES,
  COCO_NAMES,
  PROPERTY_TRUTH,
  countBinary,
  countNames,
  f1,
  faceCounts,
  perLabel,
  precision,
  recall,
  untagged,
  wordsRead,
  type Counts,
  type Outcome,
} from './quality-metrics.js';
import type { LabelledImage } from './quality-set.js';

export interface Scored {
  cutOff: number;
  outcomes: Outcome[];
}

/** The precision issue 14 asks of COCO tags (at recall ≥ 0.74). */
const TARGET_PRECISION = 0.85;

const GROUPS = {
  tune: (o: Outcome) => o.image.split === 'tune',
  heldout: (o: Outcome) => o.image.split === 'heldout',
  'non-photos': (o: Outcome) => o.image.kind !== 'photo',
} as const;
type Group = keyof typeof GROUPS;
const only = (outcomes: readonly Outcome[], group: Group) => outcomes.filter(GROUPS[group]);

const pct = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));
const pr = (c: Counts) => `${pct(precision(c))} / ${pct(recall(c))}`;
const coco = (o: readonly Outcome[]) => countNames(o, COCO_NAMES, (image) => image.coco);
const broad = (o: readonly Outcome[]) => countNames(o, BROAD_NAMES, (image) => image.broad);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The cut-off with the best COCO F1 on tune (the lower of equals). Where a cut-off also reaches the
 * target precision on tune, `reaching` says which, to show what it costs in recall.
 */
export function chooseCutOff(sweep: readonly Scored[]): {
  cutOff: number;
  why: string;
  reaching: number | undefined;
} {
  const tune = sweep.map(({ cutOff, outcomes }) => ({ cutOff, c: coco(only(outcomes, 'tune')) }));
  const best = tune.reduce((a, b) => (f1(b.c) > f1(a.c) + 1e-9 ? b : a));
  const reaching = tune.find(({ c }) => precision(c) >= TARGET_PRECISION)?.cutOff;
  return { cutOff: best.cutOff, why: `best COCO F1 on tune, ${f1(best.c).toFixed(2)}`, reaching };
}

/** One column of the summary: every measure on one group of images. */
function measures(outcomes: readonly Outcome[], group: Group): Record<string, string> {
  const o = only(outcomes, group);
  const photos = group !== 'non-photos';
  const withObject = o.filter(({ image }) => image.coco.length > 0);
  const words = wordsRead(o);
  const column: Record<string, string> = {
    images: String(o.length),
    'COCO precision / recall': photos ? pr(coco(o)) : '',
    'broad-word precision / recall': photos ? pr(broad(o)) : '',
    'with no tag at all': photos ? `${untagged(o)} (${pct(untagged(o) / o.length)})` : '',
    '… of those with a COCO object': photos
      ? `${untagged(withObject)} of ${withObject.length}`
      : '',
    'legible words read': words.of ? `${words.read} / ${words.of} (${words.images} images)` : '',
  };
  for (const [label, truth] of Object.entries(PROPERTY_TRUTH)) {
    const c = countBinary(o, label, truth);
    column[`\`${label}\` precision / recall`] = `${pr(c)} (${c.tp + c.fn} of ${c.scored})`;
  }
  for (const [label, c] of faceCounts(o, outcomes)) {
    column[`\`${label}\` precision / recall`] = photos ? pr(c) : '';
  }
  if (!photos) {
    const tags = o.flatMap(({ tags }) => tags);
    const named = new Map<string, number>();
    for (const tag of tags) named.set(tag, (named.get(tag) ?? 0) + 1);
    const top = [...named].sort((a, b) => b[1] - a[1]).slice(0, 4);
    column['tags per drawing / abstract / scan'] =
      `${(tags.length / (o.length || 1)).toFixed(2)} (${top.map(([n, k]) => `${n} ×${k}`).join(', ')})`;
  }
  return column;
}

function summaryTable(outcomes: readonly Outcome[]): string {
  const groups: Group[] = ['tune', 'heldout', 'non-photos'];
  const columns = groups.map((g) => measures(outcomes, g));
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c)))];
  return table(
    ['', ...groups],
    keys.map((k) => [k, ...columns.map((c) => c[k] ?? '')]),
  );
}

function sweepTable(sweep: readonly Scored[]): string {
  return table(
    [
      'cut-off',
      'COCO P / R tune',
      'COCO P / R heldout',
      'COCO F1 tune / heldout',
      'broad P / R tune',
      'broad P / R heldout',
      'no tag tune / heldout',
    ],
    sweep.map(({ cutOff, outcomes }) => {
      const [t, h] = [only(outcomes, 'tune'), only(outcomes, 'heldout')];
      return [
        cutOff.toFixed(2),
        pr(coco(t)),
        pr(coco(h)),
        `${f1(coco(t)).toFixed(2)} / ${f1(coco(h)).toFixed(2)}`,
        pr(broad(t)),
        pr(broad(h)),
        `${untagged(t)} / ${untagged(h)}`,
      ];
    }),
  );
}

function labelTable(outcomes: readonly Outcome[]): string {
  const [t, h] = [perLabel(only(outcomes, 'tune')), perLabel(only(outcomes, 'heldout'))];
  const zero = { tp: 0, fp: 0, fn: 0 };
  const total = (name: string) => {
    const [a, b] = [t.get(name) ?? zero, h.get(name) ?? zero];
    return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
  };
  const names = [...new Set([...t.keys(), ...h.keys()])]
    .filter((n) => total(n).tp + total(n).fn >= 2 || total(n).fp >= 2)
    .sort(
      (a, b) =>
        total(b).tp + total(b).fn - (total(a).tp + total(a).fn) || total(b).fp - total(a).fp,
    );
  const cells = (c: Counts) => `${c.tp} / ${c.fp} / ${c.fn}`;
  return table(
    ['label', 'tune TP / FP / FN', 'heldout TP / FP / FN', 'all: precision / recall'],
    names.map((n) => [n, cells(t.get(n) ?? zero), cells(h.get(n) ?? zero), pr(total(n))]),
  );
}

/** Per-label cut-offs fitted on tune where a label has ≥ 3 tune photos; global elsewhere. */
function perLabelCutOffs(
  cutOffs: readonly number[],
  global: number,
  atCutOff: (cutOff: number, perLabel?: ReadonlyMap<string, number>) => Outcome[],
): Map<string, number> {
  const support = perLabel(only(atCutOff(global), 'tune'));
  const fitted = new Map<string, number>();
  for (const [name, c] of support) {
    if (c.tp + c.fn < 3) continue;
    const gain = (t: number) => {
      const counts = perLabel(only(atCutOff(global, new Map([[name, t]])), 'tune')).get(name)!;
      return counts.tp - counts.fp - Math.abs(t - global) / 100; // ties: the global cut-off
    };
    const best = cutOffs.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    if (best !== global) fitted.set(name, best);
  }
  return fitted;
}

export interface ReportInput {
  images: readonly LabelledImage[];
  defaultCutOff: number;
  sweep: readonly Scored[];
  chosen: ReturnType<typeof chooseCutOff>;
  atCutOff: (cutOff: number, perLabel?: ReadonlyMap<string, number>) => Outcome[];
  variants: readonly { name: string; cpuMs: number; sweep: readonly Scored[] }[];
  cpu: { decodeMs: number; tagMs: number };
  cached: boolean;
}

/** Prints every table; returns the figures for bench/results.json. */
export function reportTables(input: ReportInput): object {
  const { sweep, chosen, atCutOff, cpu } = input;
  const photos = input.images.filter((i) => i.kind === 'photo');
  const tuneCount = photos.filter((i) => i.split === 'tune').length;
  console.log(
    `\n## Tagging quality: ${photos.length} labelled photos (${tuneCount} tune, ${photos.length - tuneCount} heldout), ${input.images.length - photos.length} non-photos\n`,
  );
  console.log(
    `### At the tagger's cut-off (${input.defaultCutOff})\n\n${summaryTable(atCutOff(input.defaultCutOff))}\n`,
  );
  console.log(`### COCO and broad words by cut-off\n\n${sweepTable(sweep)}\n`);
  const reaching = chosen.reaching === undefined ? 'none' : String(chosen.reaching);
  console.log(
    `Chosen on tune: ${chosen.cutOff} (${chosen.why}). Lowest reaching COCO precision ${TARGET_PRECISION} on tune: ${reaching}.\n`,
  );
  console.log(`### At ${chosen.cutOff}\n\n${summaryTable(atCutOff(chosen.cutOff))}\n`);
  console.log(
    `### Per label at ${chosen.cutOff} (labels with ≥ 2 photos or ≥ 2 false tags)\n\n${labelTable(atCutOff(chosen.cutOff))}\n`,
  );

  const fitted = perLabelCutOffs(
    sweep.map((s) => s.cutOff),
    chosen.cutOff,
    atCutOff,
  );
  const withFitted = atCutOff(chosen.cutOff, fitted);
  const global = atCutOff(chosen.cutOff);
  console.log(
    `### Per-label cut-offs fitted on tune (${[...fitted].map(([n, t]) => `${n} ${t}`).join(', ') || 'none differ'})\n`,
  );
  console.log(
    table(
      ['', 'tune COCO P / R', 'heldout COCO P / R'],
      [
        [
          `global ${chosen.cutOff}`,
          pr(coco(only(global, 'tune'))),
          pr(coco(only(global, 'heldout'))),
        ],
        ['per label', pr(coco(only(withFitted, 'tune'))), pr(coco(only(withFitted, 'heldout')))],
      ],
    ) + '\n',
  );

  const ttaRows = input.variants.map(({ name, cpuMs, sweep: vs }) => {
    const pick = chooseCutOff(vs);
    const at = vs.find((s) => s.cutOff === pick.cutOff)!.outcomes;
    const [t, h] = [only(at, 'tune'), only(at, 'heldout')];
    return [
      name,
      String(pick.cutOff),
      pr(coco(t)),
      pr(coco(h)),
      f1(coco(h)).toFixed(2),
      pr(broad(h)),
      `+${cpuMs.toFixed(0)}`,
    ];
  });
  if (ttaRows.length > 0) {
    const base = only(atCutOff(chosen.cutOff), 'heldout');
    const t0 = only(atCutOff(chosen.cutOff), 'tune');
    console.log('### Test-time augmentation (cut-off chosen on tune for each)\n');
    console.log(
      table(
        [
          'views, merge',
          'cut-off',
          'tune COCO P / R',
          'heldout COCO P / R',
          'heldout COCO F1',
          'heldout broad P / R',
          'model CPU ms/image',
        ],
        [
          [
            'plain',
            String(chosen.cutOff),
            pr(coco(t0)),
            pr(coco(base)),
            f1(coco(base)).toFixed(2),
            pr(broad(base)),
            cpu.tagMs.toFixed(0),
          ],
          ...ttaRows,
        ],
      ) + '\n',
    );
  }
  console.log(
    `CPU per image${input.cached ? ' (from the cache: measured when it was made)' : ''}: decode ${cpu.decodeMs.toFixed(0)} ms, tagger ${cpu.tagMs.toFixed(0)} ms.`,
  );
  const h = only(atCutOff(chosen.cutOff), 'heldout');
  return {
    photos: photos.length,
    chosenCutOff: chosen.cutOff,
    heldout: { coco: coco(h), broad: broad(h), untagged: untagged(h) },
    cpuMsPerImage: cpu,
  };
}
