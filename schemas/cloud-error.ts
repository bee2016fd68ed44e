// The ARM error envelope every failure is answered with (docs/wire-format.md#errors).

export const cloudErrorSchema = {
  $id: 'CloudError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        target: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: 'string' } },
          },
        },
        innererror: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;
