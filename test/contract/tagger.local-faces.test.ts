// Faces in the local tagger, on real photos: `face` with its box, `portrait`, `group`, and nothing
// about whose face. BlazeFace runs inside the real LocalModelTagger, as an upload would run it.
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { keepTags } from '../../src/tagging/keep-tags.js';
import { LocalModelTagger } from '../../src/tagging/local-model.js';
import type { Detection } from '../../src/tagging/tagger.js';
import { fixture, imageToTag } from './tagger.contract.js';

const tagger = new LocalModelTagger();

/** What the tagger found in a photo: every detection, and the names kept at its cut-off. */
async function tagPhoto(bytes: Buffer) {
  const { labels } = await tagger.tag(await imageToTag(bytes));
  const kept = keepTags(labels, { minConfidence: tagger.defaultMinConfidence, max: 10 });
  return {
    labels,
    kept,
    names: kept.map((t) => t.name),
    get: (name: string) => kept.find((t) => t.name === name),
  };
}

const FACE_WORDS = ['face', 'portrait', 'group'];

describe('LocalModelTagger: faces', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await tagger.close();
  });

  it('when given a portrait (the astronaut), then "face" is kept with a box on her head, and "portrait"', async () => {
    const astronaut = await tagPhoto(await fixture('astronaut.png'));
    expect(astronaut.names).toEqual(expect.arrayContaining(['face', 'portrait', 'person']));
    expect(astronaut.names).not.toContain('group');
    // Her face is in the upper middle of the 512×512 photo, about a fifth of its height.
    const { x, y, w, h } = astronaut.get('face')!.box!;
    expect(x + w / 2).toBeGreaterThan(0.35);
    expect(x + w / 2).toBeLessThan(0.55);
    expect(y + h / 2).toBeGreaterThan(0.15);
    expect(y + h / 2).toBeLessThan(0.35);
    expect(h).toBeGreaterThan(0.1);
    expect(h).toBeLessThan(0.4);
    // A way of framing the whole photo has no box.
    expect(astronaut.get('portrait')).not.toHaveProperty('box');
  });

  it('when given a photo of five women on a staircase, then "face" and "group" are kept, not "portrait"', async () => {
    const group = await tagPhoto(await fixture('group.jpg'));
    expect(group.names).toEqual(expect.arrayContaining(['face', 'group', 'people']));
    expect(group.names).not.toContain('portrait');
    expect(group.get('face')!.box).toBeDefined();
    expect(group.get('group')).not.toHaveProperty('box');
  });

  it('when one person is shot from the waist up (the cameraman), then "face" but not "portrait"', async () => {
    const camera = await tagPhoto(await fixture('camera.png'));
    expect(camera.names).toContain('face');
    expect(camera.names).not.toContain('portrait');
    expect(camera.names).not.toContain('group');
  });

  it('when no person is in the photo (a cat, a cup of coffee, a squirrel), then no face word at all', async () => {
    // BlazeFace alone scores the cat's head 0.79 and the cup 0.62: CenterNet's person is needed.
    for (const file of ['chelsea.png', 'coffee.png', 'squirrel.webp', 'boat.jpg']) {
      const { labels } = await tagPhoto(await fixture(file));
      expect(labels.map((l) => l.name).filter((n) => FACE_WORDS.includes(n))).toEqual([]);
    }
  });

  it('when the people are far away (a street with a bus), then "person" is kept but no "face"', async () => {
    const bus = await tagPhoto(await fixture('bus.jpg'));
    expect(bus.names).toContain('person');
    expect(bus.names).not.toContain('face');
  });

  it('when the photo is wider or taller than square, then the face box is still on the face', async () => {
    const astronaut = await fixture('astronaut.png');
    const onCanvas = (width: number, height: number, left: number, top: number) =>
      sharp({ create: { width, height, channels: 3, background: '#404040' } })
        .composite([{ input: astronaut, left, top }])
        .png()
        .toBuffer();
    const face = (await tagPhoto(astronaut)).get('face')!.box!;
    // The 512×512 photo on the left of a 768×512 canvas: x and w shrink to two thirds.
    const wide = (await tagPhoto(await onCanvas(768, 512, 0, 0))).get('face')!.box!;
    expect(wide.x).toBeCloseTo((face.x * 2) / 3, 1);
    expect(wide.w).toBeCloseTo((face.w * 2) / 3, 1);
    expect(wide.y).toBeCloseTo(face.y, 1);
    expect(wide.h).toBeCloseTo(face.h, 1);
    // On the bottom half of a 512×1024 canvas: y moves down by half, y and h halve.
    const tall = (await tagPhoto(await onCanvas(512, 1024, 0, 512))).get('face')!.box!;
    expect(tall.x).toBeCloseTo(face.x, 1);
    expect(tall.w).toBeCloseTo(face.w, 1);
    expect(tall.y).toBeCloseTo(0.5 + face.y / 2, 1);
    expect(tall.h).toBeCloseTo(face.h / 2, 1);
  });

  it('when faces are found, then only CenterNet and BlazeFace were ever loaded, and nothing fetched', async () => {
    await tagger.close();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const group = await tagPhoto(await fixture('group.jpg'));
    expect(group.names).toContain('face');
    // Every model Human read in this process went through the file loader, which lists it.
    expect(tagger.stats().modelFiles).toEqual(['blazeface.json', 'centernet.json']);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('when faces are found, then no age, gender, emotion or identity reaches a label', async () => {
    const allowed = new Set(['name', 'confidence', 'box', 'parents']);
    const found: Detection[] = [];
    for (const file of ['astronaut.png', 'group.jpg', 'camera.png']) {
      found.push(...(await tagPhoto(await fixture(file))).labels);
    }
    expect(found.map((l) => l.name)).toContain('face');
    for (const label of found) {
      for (const key of Object.keys(label)) expect(allowed).toContain(key);
      expect(label.name).not.toMatch(
        /\b(age|gender|male|female|man|woman|boy|girl|happy|sad|angry|neutral|real|live)\b/,
      );
    }
  });

  it('when face photos are tagged again and again, then the number of live tensors stays flat', async () => {
    await tagPhoto(await fixture('group.jpg'));
    const baseline = tagger.stats().numTensors;
    for (const file of ['group.jpg', 'astronaut.png', 'chelsea.png', 'camera.png']) {
      await tagPhoto(await fixture(file));
      expect(tagger.stats().numTensors).toBe(baseline);
    }
  });
});
