/**
 * Checks the fields of SQLite's 100-byte file header that SQLite itself tolerates when changed but that have only a
 * few valid values (file format 'SQLite database file format', section 1.3). Returns the problem, or undefined.
 * Fields that may legitimately hold any value (schema cookie, cache size, user version, application id) cannot be
 * checked and are not.
 */
export function checkSqliteHeader(header: Buffer): string | undefined {
  if (header.length < 100) return 'the file header is truncated';
  const writeVersion = header[18]!;
  const readVersion = header[19]!;
  if (writeVersion !== readVersion || (writeVersion !== 1 && writeVersion !== 2)) {
    return `the file header's format versions are ${writeVersion} and ${readVersion}, expected 1 and 1 or 2 and 2`;
  }
  // SQLite stores the change counter in both places at once; they differ only if one was changed.
  if (header.readUInt32BE(24) !== header.readUInt32BE(92)) {
    return "the file header's change counter and version-valid-for number differ";
  }
  const schemaFormat = header.readUInt32BE(44);
  if (schemaFormat < 1 || schemaFormat > 4) return `the file header's schema format ${schemaFormat} is not 1 to 4`;
  const encoding = header.readUInt32BE(56);
  if (encoding !== 1) return `the file header's text encoding ${encoding} is not UTF-8 (1)`;
  if (!header.subarray(72, 92).equals(Buffer.alloc(20))) return "the file header's reserved bytes 72-91 are not zero";
  const version = header.readUInt32BE(96);
  if (version < 3_000_000 || version > 3_999_999)
    return `the file header's SQLite version number ${version} is not 3.x`;
  return undefined;
}
