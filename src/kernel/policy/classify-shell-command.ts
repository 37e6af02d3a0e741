import { posix } from 'node:path';
import type { ScriptNode, SimpleCommandNode, StatementNode, WordNode } from 'just-bash';
import { importOptional } from '../../core/import-optional.ts';
import type { ProgramScope } from './shell-arguments.ts';
import { anyPath, type ShellClassification, type ShellContext, type ShellEffect } from './shell-effects.ts';
import { classifyProgram } from './shell-programs.ts';

type WordPart = WordNode['parts'][number];
type Redirection = SimpleCommandNode['redirections'][number];
type Parse = (text: string) => ScriptNode;

// The parser of just-bash, the bash the evals' shell runs: the classifier reads commands the way they run.
// Loaded on first use, so a kernel without a shell tool never loads it; just-bash is an optional package.
let parser: Promise<Parse> | undefined;
export function loadShellParser(): Promise<Parse> {
  parser ??= importOptional(() => import('just-bash'), 'just-bash', 'Classifying shell commands (the shell tool)').then(
    (module) => module.parse as Parse,
    (error: unknown) => {
      parser = undefined;
      throw error;
    },
  );
  return parser;
}

// Variables that change which program a name runs or what the shell loads: after one is set, no name is trusted.
const programLookupVariables = new Set(['PATH', 'BASH_ENV', 'ENV', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT']);
// Nested scripts (`sh -c`, `eval`, substitutions) deeper than this are not followed: the command is unclassified.
const maximumDepth = 8;

/** The value of a word when the command's text alone fixes it; null when it is computed at run time. */
interface WordValue {
  text: string | null;
  /** The word holds a glob: `text` is a pattern, and the path it names is the folder before the first wildcard. */
  glob: boolean;
}

class Classifier implements ProgramScope {
  readonly result: ShellClassification = { programs: [], effects: [], unclassified: [] };
  readonly context: ShellContext;
  readonly #parse: Parse;
  /** The folder relative paths start from; null once a `cd` went somewhere the text does not name. */
  cwd: string | null;
  #untrustedLookup = false;
  readonly #functions = new Set<string>();

  constructor(context: ShellContext, parse: Parse) {
    this.context = context;
    this.#parse = parse;
    this.cwd = context.cwd;
  }

  add(effect: ShellEffect): void {
    this.result.effects.push(effect);
  }

  unclassified(reason: string): void {
    if (!this.result.unclassified.includes(reason)) this.result.unclassified.push(reason);
  }

  /** An absolute path for an argument, or `anyPath` when the text does not fix it. */
  path(value: string | null): string {
    if (value === null) return anyPath;
    let text = value;
    const home = this.context.home;
    if (home !== undefined && (text === '~' || text.startsWith('~/'))) text = home + text.slice(1);
    if (text.startsWith('/')) return posix.normalize(text);
    if (this.cwd === null) return anyPath;
    return posix.resolve(this.cwd, text);
  }

  exists(path: string): boolean {
    if (path === anyPath || this.context.fileKind === undefined) return true;
    return this.context.fileKind(path) !== undefined;
  }

  isFolder(path: string): boolean {
    return path !== anyPath && this.context.fileKind?.(path) === 'folder';
  }

  script(text: string, depth: number): void {
    if (depth > maximumDepth) {
      this.unclassified(`scripts nested more than ${maximumDepth} deep`);
      return;
    }
    let script: ScriptNode;
    try {
      script = this.#parse(text);
    } catch (error) {
      this.unclassified(`the command does not parse: ${(error as Error).message}`);
      return;
    }
    this.#statements(script.statements, depth);
  }

  run(name: string | null, args: Array<string | null>, depth: number): void {
    if (name === null) {
      this.unclassified('the name of a command is computed at run time');
      return;
    }
    this.result.programs.push(name);
    if (this.#untrustedLookup && !name.includes('/')) {
      this.unclassified(`'${name}' is looked up after PATH (or a variable like it) was changed`);
      return;
    }
    const known = this.context.programs?.[name];
    if (known !== undefined) {
      for (const kind of known) this.#addKind(kind, name);
      return;
    }
    if (this.#functions.has(name)) return;
    const system = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(name)?.[1];
    if (name.includes('/') && system === undefined) {
      this.unclassified(`'${name}' runs a file whose effects are not known`);
      return;
    }
    classifyProgram(system ?? name, args, this, depth);
  }

  #addKind(kind: ShellEffect['kind'], program: string): void {
    if (kind === 'network') this.add({ kind, target: anyPath });
    else if (kind === 'spend' || kind === 'process') this.add({ kind, program });
    else this.add({ kind, path: anyPath });
  }

  #statements(statements: readonly StatementNode[], depth: number): void {
    for (const statement of statements) {
      if (statement.deferredError) this.unclassified(`the command does not parse: ${statement.deferredError.message}`);
      for (const pipeline of statement.pipelines) {
        for (const command of pipeline.commands) this.#command(command, depth);
      }
    }
  }

  #command(command: StatementNode['pipelines'][number]['commands'][number], depth: number): void {
    switch (command.type) {
      case 'SimpleCommand':
        this.#simple(command, depth);
        return;
      case 'FunctionDef':
        // A function may run whenever it is called: what its body does counts now.
        this.#functions.add(command.name);
        this.#command(command.body, depth);
        this.#redirections(command.redirections, depth);
        return;
      case 'If':
        for (const clause of command.clauses) {
          this.#statements(clause.condition, depth);
          this.#statements(clause.body, depth);
        }
        if (command.elseBody) this.#statements(command.elseBody, depth);
        break;
      case 'For':
        for (const word of command.words ?? []) this.#value(word, depth);
        this.#statements(command.body, depth);
        break;
      case 'While':
      case 'Until':
        this.#statements(command.condition, depth);
        this.#statements(command.body, depth);
        break;
      case 'CStyleFor':
        this.#statements(command.body, depth);
        break;
      case 'Case':
        this.#value(command.word, depth);
        for (const item of command.items) this.#statements(item.body, depth);
        break;
      case 'Subshell':
      case 'Group':
        this.#statements(command.body, depth);
        break;
      case 'ArithmeticCommand':
      case 'ConditionalCommand':
        this.#nested(command, depth);
        break;
    }
    this.#redirections(command.redirections, depth);
  }

  #simple(command: SimpleCommandNode, depth: number): void {
    for (const assignment of command.assignments) {
      if (programLookupVariables.has(assignment.name)) this.#untrustedLookup = true;
      if (assignment.value) this.#value(assignment.value, depth);
      for (const word of assignment.array ?? []) this.#value(word, depth);
    }
    this.#redirections(command.redirections, depth);
    if (command.name === null) return;
    const name = this.#value(command.name, depth);
    const args = command.args.flatMap((word) => this.#values(word, depth));
    this.run(name.glob ? null : name.text, args, depth);
  }

  #redirections(redirections: readonly Redirection[], depth: number): void {
    for (const redirection of redirections) {
      if (redirection.target.type === 'HereDoc') {
        // An unquoted here-document expands substitutions in its body.
        if (!redirection.target.quoted) this.#value(redirection.target.content, depth);
        continue;
      }
      const target = this.#value(redirection.target, depth);
      const operator = redirection.operator;
      if (operator === '<<<') continue;
      if ((operator === '>&' || operator === '<&') && (target.text === '-' || /^\d+$/.test(target.text ?? '')))
        continue;
      const path = target.glob ? anyPath : this.path(target.text);
      if (path.startsWith('/dev/tcp/') || path.startsWith('/dev/udp/')) {
        this.add({ kind: 'network', target: path.slice(9) });
        continue;
      }
      if (/^\/dev\/(?:null|zero|stdin|stdout|stderr|tty|fd\/\d+)$/.test(path)) continue;
      if (operator === '<') this.add({ kind: 'read', path });
      else if (operator === '>>' || operator === '&>>' || operator === '<>') this.add({ kind: 'write', path });
      else this.add({ kind: this.exists(path) ? 'overwrite' : 'write', path });
    }
  }

  /** Every value a word can expand to (braces give several); its substitutions are classified on the way. */
  #values(word: WordNode, depth: number): Array<string | null> {
    const braces = word.parts.find((part) => part.type === 'BraceExpansion');
    if (braces !== undefined && braces.type === 'BraceExpansion') {
      const prefix = this.#value({ ...word, parts: word.parts.slice(0, word.parts.indexOf(braces)) }, depth);
      const suffix = this.#value({ ...word, parts: word.parts.slice(word.parts.indexOf(braces) + 1) }, depth);
      const items = braces.items.map((item) => (item.type === 'Word' ? this.#value(item.word, depth).text : null));
      return items.map((item) =>
        prefix.text === null || suffix.text === null || item === null ? null : prefix.text + item + suffix.text,
      );
    }
    const value = this.#value(word, depth);
    return [value.glob ? globFolder(value.text) : value.text];
  }

  #value(word: WordNode, depth: number): WordValue {
    let text: string | null = '';
    let glob = false;
    const append = (piece: string | null) => {
      text = text === null || piece === null ? null : text + piece;
    };
    for (const part of word.parts) {
      const piece = this.#part(part, depth);
      if (part.type === 'Glob') glob = true;
      append(piece);
    }
    return { text, glob };
  }

  #part(part: WordPart, depth: number): string | null {
    switch (part.type) {
      case 'Literal':
      case 'SingleQuoted':
      case 'Escaped':
        return part.value;
      case 'Glob':
        return part.pattern;
      case 'DoubleQuoted': {
        let text: string | null = '';
        for (const inner of part.parts) {
          const piece = this.#part(inner, depth);
          text = text === null || piece === null ? null : text + piece;
        }
        return text;
      }
      case 'TildeExpansion':
        return part.user === null ? (this.context.home ?? null) : null;
      case 'ParameterExpansion':
        if (part.operation === null && part.parameter === 'HOME') return this.context.home ?? null;
        if (part.operation === null && part.parameter === 'PWD') return this.cwd;
        this.#nested(part, depth);
        return null;
      case 'CommandSubstitution':
      case 'ProcessSubstitution':
        this.#statements(part.body.statements, depth + 1);
        return null;
      default:
        this.#nested(part, depth);
        return null;
    }
  }

  /** Finds command substitutions anywhere inside a node the classifier does not read otherwise. */
  #nested(node: unknown, depth: number): void {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) this.#nested(item, depth);
      return;
    }
    const record = node as Record<string, unknown>;
    if ((record.type === 'CommandSubstitution' || record.type === 'ProcessSubstitution') && record.body) {
      this.#statements((record.body as ScriptNode).statements, depth + 1);
      return;
    }
    if (record.type === 'ArithCommandSubst' && typeof record.command === 'string') {
      this.script(record.command, depth + 1);
      return;
    }
    for (const value of Object.values(record)) this.#nested(value, depth);
  }
}

/** A glob names the folder before its first wildcard: `rm backups/*.tar` deletes in `backups`. */
function globFolder(pattern: string | null): string | null {
  if (pattern === null) return null;
  const wildcard = pattern.search(/[*?[]/);
  if (wildcard < 0) return pattern;
  const before = pattern.slice(0, wildcard);
  const slash = before.lastIndexOf('/');
  return slash < 0 ? '.' : before.slice(0, slash) || '/';
}

/**
 * Reads a shell command with a real bash parser and says what it does: which files it reads, writes,
 * overwrites or deletes, whether it reaches the network, spends or signals processes. Anything the text
 * alone cannot settle (a command name computed at run time, a script file, code for another interpreter)
 * is listed as unclassified. The kernel's shell tool and the evals' simulated shell both use it.
 */
export async function classifyShellCommand(command: string, context: ShellContext): Promise<ShellClassification> {
  const classifier = new Classifier(context, await loadShellParser());
  classifier.script(command, 0);
  return classifier.result;
}
