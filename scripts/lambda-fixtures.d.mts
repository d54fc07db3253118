// Types of lambda-fixtures.mjs, for the TypeScript that imports it (bench/cold-start.ts).

/** The configuration the functions get on AWS; nothing is contacted while answering /health. */
export declare const awsShapedEnv: Readonly<Record<string, string>>;
/** API Gateway REST (v1) proxy event for GET /health. */
export declare const healthEvent: Readonly<Record<string, unknown>>;
/** An S3 event for an object that is not an image key: onUpload's path without any I/O. */
export declare const skippedUploadEvent: { Records: Array<{ s3: { object: { key: string } } }> };
