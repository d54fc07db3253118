// The words people search for above the local model's 80 COCO labels: "animal" for a cat, "food"
// for a pizza. Each label names its parent words; keep-tags.ts adds a kept label's parents with
// the label's confidence (the best child's, when several share a parent). The table is typed by
// the model's own label list, so a label missing here, or one the model cannot emit, is a compile
// error. Data only: the API (GET /vocabulary) reads it without loading the model.
import type * as HumanModule from '@vladmandic/human';
import { BLACK_AND_WHITE } from './image-properties.js';

/** The 80 labels the local model (CenterNet, COCO) can emit. */
export type CocoLabel = HumanModule.ObjectType;

export const COCO_PARENTS: Readonly<Record<CocoLabel, readonly string[]>> = {
  person: ['people'],
  bicycle: ['vehicle'],
  car: ['vehicle'],
  motorcycle: ['vehicle'],
  airplane: ['vehicle', 'aircraft'],
  bus: ['vehicle'],
  train: ['vehicle'],
  truck: ['vehicle'],
  boat: ['vehicle'],
  'traffic light': ['street'],
  'fire hydrant': ['street'],
  'stop sign': ['street', 'sign'],
  'parking meter': ['street'],
  bench: ['furniture'],
  bird: ['animal'],
  cat: ['animal', 'pet'],
  dog: ['animal', 'pet'],
  horse: ['animal'],
  sheep: ['animal', 'farm animal'],
  cow: ['animal', 'farm animal'],
  elephant: ['animal', 'wildlife'],
  bear: ['animal', 'wildlife'],
  zebra: ['animal', 'wildlife'],
  giraffe: ['animal', 'wildlife'],
  backpack: ['bag'],
  umbrella: ['accessory'],
  handbag: ['bag', 'accessory'],
  tie: ['clothing', 'accessory'],
  suitcase: ['bag', 'luggage'],
  frisbee: ['sport'],
  skis: ['sport', 'snow'],
  snowboard: ['sport', 'snow'],
  'sports ball': ['sport', 'ball'],
  kite: ['toy'],
  'baseball bat': ['sport', 'baseball'],
  'baseball glove': ['sport', 'baseball'],
  skateboard: ['sport'],
  surfboard: ['sport'],
  'tennis racket': ['sport', 'tennis'],
  bottle: ['drink'],
  'wine glass': ['drink', 'tableware'],
  cup: ['drink', 'tableware'],
  fork: ['cutlery', 'tableware'],
  knife: ['cutlery', 'tableware'],
  spoon: ['cutlery', 'tableware'],
  bowl: ['tableware'],
  banana: ['food', 'fruit'],
  apple: ['food', 'fruit'],
  sandwich: ['food'],
  orange: ['food', 'fruit'],
  broccoli: ['food', 'vegetable'],
  carrot: ['food', 'vegetable'],
  'hot dog': ['food'],
  pizza: ['food'],
  donut: ['food', 'dessert'],
  cake: ['food', 'dessert'],
  chair: ['furniture'],
  couch: ['furniture'],
  'potted plant': ['plant'],
  bed: ['furniture'],
  'dining table': ['furniture', 'table'],
  toilet: ['bathroom'],
  tv: ['electronics', 'screen'],
  laptop: ['electronics', 'computer', 'screen'],
  mouse: ['electronics', 'computer'],
  remote: ['electronics'],
  keyboard: ['electronics', 'computer'],
  'cell phone': ['electronics', 'phone'],
  microwave: ['appliance', 'kitchen'],
  oven: ['appliance', 'kitchen'],
  toaster: ['appliance', 'kitchen'],
  sink: ['kitchen'],
  refrigerator: ['appliance', 'kitchen'],
  book: [],
  clock: [],
  vase: ['decoration'],
  scissors: ['tool'],
  'teddy bear': ['toy'],
  'hair drier': ['bathroom'],
  toothbrush: ['bathroom'],
};

/** The parents of a label the local model emitted (none for a name it does not know). */
export const cocoParents = (label: string): readonly string[] =>
  Object.hasOwn(COCO_PARENTS, label) ? COCO_PARENTS[label as CocoLabel] : [];

/** Every name the local tagger can emit: its labels, the parent words, the image properties. */
export const LOCAL_VOCABULARY: readonly string[] = [
  ...new Set([
    ...Object.keys(COCO_PARENTS),
    ...Object.values(COCO_PARENTS).flat(),
    BLACK_AND_WHITE,
  ]),
];
