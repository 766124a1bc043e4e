/**
 * Clean-up that need not hold up the next step (removing a finished step's container), run in
 * the background and awaited before the build reports that it is finished.
 */
export class Janitor {
  private readonly pending = new Set<Promise<void>>();

  later(task: () => Promise<void>): void {
    const run: Promise<void> = task()
      .catch(() => {
        // best effort: a sweep on start removes whatever a failed removal left
      })
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
