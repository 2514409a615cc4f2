// Prints docs/preseed.md's generated reference: `npm run docs`.
import { preseedSchema } from '../preseed/schema.js';
import { renderPreseedDoc } from './preseed-doc.js';

process.stdout.write(renderPreseedDoc(preseedSchema()));
