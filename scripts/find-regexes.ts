// Every regular expression in a TypeScript source file: the literals, and `new RegExp(...)` / `RegExp(...)` calls
// whose pattern is built from string constants of the same file. A call whose pattern depends on data at run
// time cannot be checked here; it must say, in a `// dynamic-regex: WHY` comment on the line above, why its
// input cannot make it backtrack (for example: escaped literals only).
import { parse } from '@babel/parser';

export interface FoundRegex {
  line: number;
  /** The variable or property the pattern is assigned to, when there is one. */
  name: string | undefined;
  source: string;
  flags: string;
}

export interface UncheckedRegex {
  line: number;
  name: string | undefined;
  /** The `dynamic-regex:` justification, or undefined when the call has none (a lint failure). */
  reason: string | undefined;
}

// The parser's node shapes, narrowed to the fields read here.
interface Node {
  type: string;
  loc?: { start: { line: number } };
  [field: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function children(node: Node): Node[] {
  const found: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) found.push(item);
    if (isNode(value)) found.push(value);
  }
  return found;
}

function bindingName(parent: Node | undefined): string | undefined {
  if (parent?.type === 'VariableDeclarator' && isNode(parent.id) && parent.id.type === 'Identifier') {
    return parent.id.name as string;
  }
  if (parent?.type === 'ObjectProperty' && isNode(parent.key) && parent.key.type === 'Identifier') {
    return parent.key.name as string;
  }
  return undefined;
}

/** The string a constant expression evaluates to, or undefined when it depends on anything else. */
function evaluate(node: Node, constants: ReadonlyMap<string, Node>, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  switch (node.type) {
    case 'StringLiteral':
      return node.value as string;
    case 'TemplateLiteral':
      return evaluateTemplate(node, constants, depth, false);
    case 'TaggedTemplateExpression': {
      const tag = node.tag as Node;
      const isRaw =
        tag.type === 'MemberExpression' &&
        (tag.object as Node).type === 'Identifier' &&
        (tag.object as Node).name === 'String' &&
        (tag.property as Node).name === 'raw';
      return isRaw ? evaluateTemplate(node.quasi as Node, constants, depth, true) : undefined;
    }
    case 'BinaryExpression': {
      if (node.operator !== '+') return undefined;
      const left = evaluate(node.left as Node, constants, depth + 1);
      const right = evaluate(node.right as Node, constants, depth + 1);
      return left === undefined || right === undefined ? undefined : left + right;
    }
    case 'Identifier': {
      const bound = constants.get(node.name as string);
      return bound === undefined ? undefined : evaluate(bound, constants, depth + 1);
    }
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'ParenthesizedExpression':
      return evaluate(node.expression as Node, constants, depth + 1);
    default:
      return undefined;
  }
}

function evaluateTemplate(
  template: Node,
  constants: ReadonlyMap<string, Node>,
  depth: number,
  raw: boolean,
): string | undefined {
  const quasis = template.quasis as Node[];
  const expressions = template.expressions as Node[];
  let text = '';
  for (let index = 0; index < quasis.length; index += 1) {
    const value = quasis[index]!.value as { raw: string; cooked: string | null };
    const part = raw ? value.raw : value.cooked;
    if (part === null) return undefined;
    text += part;
    if (index < expressions.length) {
      const substituted = evaluate(expressions[index]!, constants, depth + 1);
      if (substituted === undefined) return undefined;
      text += substituted;
    }
  }
  return text;
}

/** Module-level `const NAME = ...` bindings: the only names a pattern may be built from. */
function moduleConstants(program: Node): Map<string, Node> {
  const constants = new Map<string, Node>();
  for (let statement of program.body as Node[]) {
    if (statement.type === 'ExportNamedDeclaration' && isNode(statement.declaration)) statement = statement.declaration;
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') continue;
    for (const declarator of statement.declarations as Node[]) {
      const id = declarator.id as Node;
      if (id.type === 'Identifier' && isNode(declarator.init)) constants.set(id.name as string, declarator.init);
    }
  }
  return constants;
}

const dynamicComment = /^\s*dynamic-regex:\s*(\S.*)$/;

export function findRegexes(text: string): { found: FoundRegex[]; unchecked: UncheckedRegex[] } {
  const file = parse(text, { sourceType: 'module', plugins: ['typescript'], attachComment: false });
  const program = file.program as unknown as Node;
  const constants = moduleConstants(program);
  const commentsByLine = new Map<number, string>();
  for (const comment of file.comments ?? []) {
    const reason = dynamicComment.exec(comment.value)?.[1];
    if (reason !== undefined) commentsByLine.set(comment.loc!.end.line, reason.trim());
  }
  const found: FoundRegex[] = [];
  const unchecked: UncheckedRegex[] = [];
  const visit = (node: Node, parent: Node | undefined): void => {
    const line = node.loc?.start.line ?? 0;
    if (node.type === 'RegExpLiteral') {
      found.push({ line, name: bindingName(parent), source: node.pattern as string, flags: node.flags as string });
    } else if (
      (node.type === 'NewExpression' || node.type === 'CallExpression') &&
      isNode(node.callee) &&
      node.callee.type === 'Identifier' &&
      node.callee.name === 'RegExp'
    ) {
      const [patternArgument, flagsArgument] = node.arguments as Node[];
      const source = patternArgument === undefined ? '' : evaluate(patternArgument, constants);
      const flags = flagsArgument === undefined ? '' : evaluate(flagsArgument, constants);
      if (source !== undefined && flags !== undefined) {
        found.push({ line, name: bindingName(parent), source, flags });
      } else {
        unchecked.push({ line, name: bindingName(parent), reason: commentsByLine.get(line - 1) });
      }
    }
    for (const child of children(node)) visit(child, node);
  };
  visit(program, undefined);
  return { found, unchecked };
}
