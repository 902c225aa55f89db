// Option names in the texts users read. The Rust core names an option the Rust way
// (`heartbeat.timeout_ms`) in its advice and refusals; the package's users set
// `heartbeat.timeoutMs`. The driver passes every such text through here. It runs where page
// code may have replaced String.prototype's methods, so the one it needs is taken at load.
const upperCase = Function.prototype.call.bind(String.prototype.toUpperCase);

/**
 * A text from the Rust core with the option names in it (between backticks, such as
 * `` `connect_timeout_ms` ``) in the package's spelling (`` `connectTimeoutMs` ``); the
 * backticks stay. Indexing a string calls no method that page code could have replaced.
 */
export function jsSpelling(text) {
  let spelt = "";
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (character === "`") inCode = !inCode;
    spelt += inCode && character === "_" ? upperCase(text[++i] ?? "") : character;
  }
  return spelt;
}
