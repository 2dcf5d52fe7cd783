import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { accessMatrix } from './evaluate';
import { renderAccessMatrix } from './render';

/** `npm run access-matrix`: evaluates the synthesized stack and writes docs/access-matrix.md. */
export const ACCESS_MATRIX_DOC = path.join(__dirname, '..', '..', '..', 'docs', 'access-matrix.md');

if (require.main === module) {
  void accessMatrix().then((matrix) => {
    writeFileSync(ACCESS_MATRIX_DOC, renderAccessMatrix(matrix));
    console.log(`wrote ${path.relative(process.cwd(), ACCESS_MATRIX_DOC)}`);
  });
}
