// Builds DynamoDB expression placeholders, so no attribute name or map key (team ids, counter names) is ever
// spliced into an expression as text.
export class Expression {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  path(...segments: string[]): string {
    return segments.map((s) => this.name(s)).join('.');
  }

  value(v: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = v;
    return placeholder;
  }

  attributes() {
    return {
      ExpressionAttributeNames: this.names.size ? Object.fromEntries([...this.names].map(([a, p]) => [p, a])) : undefined,
      ExpressionAttributeValues: Object.keys(this.values).length ? this.values : undefined,
    };
  }
}
