/** Temporary shell; replaced by the engine. */
export class EventPatternMatcher {
  private constructor() {}
}
