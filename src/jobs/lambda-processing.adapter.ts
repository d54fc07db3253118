// The ProcessingQueue of STORAGE=s3: S3's events bring uploads to the onUpload function by
// themselves, and a retag invokes that function, by name, through the Lambda SDK (loaded on the
// first retag, jobs/lambda-processing.ts).
import { processingAdapter } from '../adapter-descriptor.js';

export const lambdaProcessing = processingAdapter({
  kind: 'lambda',
  requires({ uploadFunctionName, region, need }) {
    need('UPLOAD_FUNCTION_NAME', uploadFunctionName);
    need('AWS_REGION', region);
  },
  async create({ uploadFunctionName, region }) {
    const { createLambdaProcessing } = await import('./lambda-processing.js');
    // Both are set: requires() makes loadConfig refuse a configuration without them.
    return {
      processing: createLambdaProcessing({ functionName: uploadFunctionName!, region: region! }),
    };
  },
});
