// The local tagger's default TAG_MIN_CONFIDENCE, on CenterNet's score scale; face scores are mapped
// onto it (faces.ts). Chosen on the quality set's tune photos as the best F1 there, and the best
// held out too (BENCHMARKS.md, "Quality on a labelled set of real photos"): from 0.3, precision
// rises more than recall falls. Data only: faces.ts and the vocabulary read it without a model.
export const LOCAL_MIN_CONFIDENCE = 0.4;
