/** An error whose message is safe and useful to show to the person who caused it. */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
