// Small JSON-schema helpers shared by the route modules (they become the OpenAPI document).
export const anyObject = { type: 'object', additionalProperties: true } as const;
export const listOf = (items: object) => ({ type: 'array', items }) as const;
export const errorBody = { type: 'object', properties: { error: { type: 'string' } }, additionalProperties: true } as const;
export const idParam = (name: string, pattern?: string) =>
  ({ type: 'object', required: [name], properties: { [name]: { type: 'string', minLength: 1, maxLength: 200, ...(pattern ? { pattern } : {}) } } }) as const;
export const roleEnum = { type: 'string', enum: ['viewer', 'analyst', 'admin'] } as const;
export const langEnum = { type: 'string', enum: ['en', 'ja'] } as const;
