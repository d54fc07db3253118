import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('when nothing is set, then the embedded defaults of DESIGN.md apply', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: './data',
      auth: { kind: 'local' },
      storage: { kind: 'local' },
      index: { kind: 'sqlite' },
      tagger: { kind: 'local', ocr: true, ocrTimeoutMs: 3000 },
      uploadFunctionName: undefined,
      tagMinConfidence: undefined,
      tagMax: 10,
      tagWorkers: availableParallelism(),
      maxUploadBytes: 10485760,
      uploadUrlTtlSeconds: 900,
      corsOrigin: '*',
      logLevel: 'info',
    });
  });

  it('when PORT is set and PUBLIC_URL is not, then PUBLIC_URL follows PORT', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('when values are given, then they are parsed and trimmed', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://img.example.com/',
      TAG_MIN_CONFIDENCE: '0.5',
      TAG_MAX: '3',
      TAG_WORKERS: '3',
      CORS_ORIGIN: 'https://a.example, https://b.example',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      publicUrl: 'https://img.example.com',
      tagMinConfidence: 0.5,
      tagMax: 3,
      tagWorkers: 3,
      corsOrigin: ['https://a.example', 'https://b.example'],
      logLevel: 'warn',
    });
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ' })).toMatchObject({
      port: 3000,
      logLevel: 'info',
    });
  });

  it('when OCR is off and its time limit set, then the local tagger gets both; bad values are named', () => {
    expect(loadConfig({ OCR: 'off', OCR_TIMEOUT_MS: '500' }).tagger).toEqual({
      kind: 'local',
      ocr: false,
      ocrTimeoutMs: 500,
    });
    expect(() => loadConfig({ OCR: 'maybe', OCR_TIMEOUT_MS: '0' })).toThrow(
      /OCR must be on or off; OCR_TIMEOUT_MS must be a whole number from 1 to 600000/,
    );
  });

  it('when several variables are bad, then one error names every one of them', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '70000',
        PUBLIC_URL: 'localhost:3000',
        AUTH: 'ldap',
        TAG_MIN_CONFIDENCE: '1.5',
        TAG_MAX: 'ten',
        TAG_WORKERS: '0',
        MAX_UPLOAD_BYTES: '0',
        UPLOAD_URL_TTL_SECONDS: '2.5',
        CORS_ORIGIN: 'not an origin',
        LOG_LEVEL: 'loud',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid configuration: /);
    for (const name of [
      'PORT',
      'PUBLIC_URL',
      'AUTH',
      'TAG_MIN_CONFIDENCE',
      'TAG_MAX',
      'TAG_WORKERS',
      'MAX_UPLOAD_BYTES',
      'UPLOAD_URL_TTL_SECONDS',
      'CORS_ORIGIN',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(10);
  });

  it('when the AWS adapters are chosen with their variables, then each is configured', () => {
    const config = loadConfig({
      AUTH: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_ID: 'client123',
      COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
      AWS_REGION: 'eu-west-1',
      STORAGE: 's3',
      S3_BUCKET: 'pixtag-images',
      S3_FORCE_PATH_STYLE: 'true',
      INDEX: 'opensearch',
      OPENSEARCH_URL: 'https://search.example.com',
      OPENSEARCH_AWS_SERVICE: 'es',
      TAGGER: 'clarifai',
      CLARIFAI_PAT_PARAMETER: '/pixtag/clarifai-pat',
      UPLOAD_FUNCTION_NAME: 'pixtag-onUpload',
    });
    expect(config).toMatchObject({
      auth: {
        kind: 'cognito',
        userPoolId: 'eu-west-1_AbC123',
        clientId: 'client123',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9229',
      },
      storage: { kind: 's3', bucket: 'pixtag-images', region: 'eu-west-1', forcePathStyle: true },
      index: {
        kind: 'opensearch',
        url: 'https://search.example.com',
        index: 'images',
        awsService: 'es',
        region: 'eu-west-1',
      },
      tagger: { kind: 'clarifai', patParameter: '/pixtag/clarifai-pat' },
      uploadFunctionName: 'pixtag-onUpload',
    });
  });

  it('when an AWS adapter is chosen without its variables, then every missing one is named', () => {
    let message = '';
    try {
      loadConfig({ AUTH: 'cognito', STORAGE: 's3', INDEX: 'opensearch', TAGGER: 'clarifai' });
    } catch (caught) {
      message = (caught as Error).message;
    }
    for (const name of [
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'AWS_REGION',
      'S3_BUCKET',
      'UPLOAD_FUNCTION_NAME',
      'OPENSEARCH_URL',
      'CLARIFAI_PAT or CLARIFAI_PAT_PARAMETER',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('when Rekognition tags, then it needs AWS_REGION and takes an http URL of a stand-in', () => {
    expect(loadConfig({ TAGGER: 'rekognition', AWS_REGION: 'eu-west-1' }).tagger).toEqual({
      kind: 'rekognition',
      region: 'eu-west-1',
    });
    expect(
      loadConfig({
        TAGGER: 'rekognition',
        AWS_REGION: 'eu-west-1',
        REKOGNITION_ENDPOINT: 'http://127.0.0.1:4566/',
      }).tagger,
    ).toEqual({ kind: 'rekognition', region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' });
    expect(() => loadConfig({ TAGGER: 'rekognition' })).toThrow(
      'AWS_REGION is required when TAGGER=rekognition',
    );
    expect(() =>
      loadConfig({
        TAGGER: 'rekognition',
        AWS_REGION: 'eu-west-1',
        REKOGNITION_ENDPOINT: '127.0.0.1:4566',
      }),
    ).toThrow(/REKOGNITION_ENDPOINT must be an http\(s\) URL/);
    expect(() => loadConfig({ TAGGER: 'vision' })).toThrow(
      'TAGGER must be local, clarifai or rekognition',
    );
  });
});
