// Stands in for iconv-lite in the Lambda bundle only. body-parser and raw-body use it to decode
// request bodies; pixtag accepts JSON, whose charsets Node decodes itself. The real package's
// code-page tables are half a megabyte the `api` cold start would parse for nothing.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS stand-in for a CommonJS package
const { StringDecoder } = require('node:string_decoder');

const NODE_NAMES = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
  ucs2: 'utf16le',
  'ucs-2': 'utf16le',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
  binary: 'latin1',
  ascii: 'ascii',
  'us-ascii': 'ascii',
};
const nodeName = (encoding) => NODE_NAMES[String(encoding).toLowerCase()];

exports.encodingExists = (encoding) => nodeName(encoding) !== undefined;
exports.decode = (buffer, encoding) => Buffer.from(buffer).toString(nodeName(encoding));
exports.getDecoder = (encoding) => {
  const decoder = new StringDecoder(nodeName(encoding));
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() };
};
