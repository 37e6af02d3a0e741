import { z } from 'zod';
import { type AuditEventType, auditEventDataSchemas } from './audit-event-schemas.ts';

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
};

/**
 * The event vocabulary as Markdown, one section per type with its fields, rendered from the schemas themselves (so
 * docs/audit.md can be checked against them).
 */
export function describeAuditEvents(): string {
  const sections = (Object.keys(auditEventDataSchemas) as AuditEventType[]).map((type) => {
    const schema = z.toJSONSchema(auditEventDataSchemas[type], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const variants = schema.anyOf ?? schema.oneOf;
    const body =
      variants === undefined
        ? fieldLines(schema, '')
        : ['One of:\n', ...variants.map((variant) => `- ${objectSummary(variant)}\n${fieldLines(variant, '  ')}`)].join(
            '\n',
          );
    return `#### \`${type}\`\n\n${body}`;
  });
  return `${sections.join('\n\n')}\n`;
}

function fieldLines(schema: JsonSchema, indent: string): string {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .map(([name, field]) => {
      const optional = required.has(name) ? '' : ' (optional)';
      const note = field.description === undefined ? '' : `: ${field.description}`;
      return `${indent}- \`${name}\`${optional}: ${typeText(field)}${note}`;
    })
    .join('\n');
}

/** A union member named by the required fields that tell it apart (its constants), else by its field names. */
function objectSummary(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const constants = Object.entries(schema.properties ?? {}).filter(
    ([name, field]) => required.has(name) && constantValues(field) !== undefined,
  );
  if (constants.length === 0) return `with \`${Object.keys(schema.properties ?? {}).join('`, `')}\``;
  return constants.map(([name, field]) => `\`${name}\` ${constantValues(field)!.join(' or ')}`).join(', ');
}

function constantValues(field: JsonSchema): string[] | undefined {
  if (field.const !== undefined) return [`\`${JSON.stringify(field.const)}\``];
  if (field.enum !== undefined) return field.enum.map((value) => `\`${JSON.stringify(value)}\``);
  return undefined;
}

function typeText(field: JsonSchema): string {
  const constants = constantValues(field);
  if (constants !== undefined) return constants.join(', ');
  const variants = field.anyOf ?? field.oneOf;
  if (variants !== undefined) return variants.map(typeText).join(' or ');
  if (Array.isArray(field.type)) return field.type.map((type) => typeText({ ...field, type })).join(' or ');
  switch (field.type) {
    case 'string':
      return field.format === 'date-time' ? 'ISO-8601 timestamp' : 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `array of ${field.items === undefined ? 'any JSON' : typeText(field.items)}`;
    case 'object':
      return field.properties === undefined
        ? 'object'
        : `{${Object.keys(field.properties)
            .map((name) => (new Set(field.required ?? []).has(name) ? name : `${name}?`))
            .join(', ')}}`;
    default:
      return 'any JSON';
  }
}
