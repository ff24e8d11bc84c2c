// Salesforce's REST error shape (§3.8): a JSON array of {message, errorCode[, fields]}.
export class SfApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  body(): unknown {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

export const notFound = () => new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const badRequest = (errorCode: string, message: string, fields?: string[]) => new SfApiError(400, errorCode, message, fields);
