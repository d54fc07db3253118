// Where the faces are: BlazeFace, run by Human on the engine local-model-engine.ts loaded, on the
// pixels the object model saw. Only each face's box and score come out: Human also fills
// placeholder fields (gender "unknown", an empty embedding and emotion list) even with those models
// off, and nothing here reads them.
import type { Tensor3D } from '@tensorflow/tfjs-core';
import type * as HumanModule from '@vladmandic/human';
import type { Box } from '../domain/image.js';
import { TransientError } from '../domain/errors.js';
import type { Engine } from './local-model-engine.js';

/** A face BlazeFace found: its score (0–1, BlazeFace's own), its box (fractions of the image). */
export interface FoundFace {
  score: number;
  box: Box;
}

/**
 * Faces below this BlazeFace score are not reported at all (they cost a crop each inside Human);
 * faces.ts decides which of the rest count.
 */
const MIN_SCORE = 0.3;

/** Per call: the face part alone, so the object model does not run twice. */
const faceConfig: Partial<HumanModule.Config> = {
  object: { enabled: false },
  face: {
    enabled: true,
    detector: {
      maxDetected: 20,
      minConfidence: MIN_SCORE,
      // Boxes overlapping more than this are one face; neighbours in a group photo overlap less.
      iouThreshold: 0.3,
      // BlazeFace's own box (brows to chin), not Human's default 1.4× (hair and neck).
      scale: 1,
      // Human's own padding to a square puts the boxes of a non-square image in the wrong place
      // (its unpadding is marked "TODO fix this math"); detectFaces pads instead.
      square: false,
    },
  },
};

/**
 * BlazeFace reads a 256×256 square. The image is scaled to fit it and padded (black), so a face
 * keeps its shape whatever the photo's proportions (stretched into the square, the faces of a wide
 * photo would be squeezed). Scaling here, once, also spares Human's copy of the full image.
 */
function toSquare(engine: Engine, pixels: Tensor3D) {
  const { tf, faceModel } = engine;
  const side = faceModel.inputs[0]?.shape?.[2] ?? 256;
  const [height, width] = pixels.shape;
  const scale = side / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const left = Math.floor((side - w) / 2);
  const top = Math.floor((side - h) / 2);
  const square = tf.tidy(() =>
    tf.pad(tf.image.resizeBilinear(pixels, [h, w]), [
      [top, side - h - top],
      [left, side - w - left],
      [0, 0],
    ]),
  );
  /** A box in fractions of the square, as fractions of the image. */
  const fromSquare = ([x, y, bw, bh]: HumanModule.Box): Box => ({
    x: (x * side - left) / w,
    y: (y * side - top) / h,
    w: (bw * side) / w,
    h: (bh * side) / h,
  });
  return { square, fromSquare };
}

/** The faces in an image given as an RGB tensor [height, width, 3], best first. */
export async function detectFaces(engine: Engine, pixels: Tensor3D): Promise<FoundFace[]> {
  const { square, fromSquare } = toSquare(engine, pixels);
  try {
    const result = await engine.human.detect(square, faceConfig);
    if (result.error) throw new TransientError(`The face detector failed: ${result.error}`);
    return result.face
      .map(({ score, boxRaw }) => ({ score, box: fromSquare(boxRaw) }))
      .sort((a, b) => b.score - a.score);
  } finally {
    engine.tf.dispose(square);
  }
}
