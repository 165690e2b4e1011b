/**
 * One timer for the deadlines of every request in flight, instead of a timer per request.
 *
 * Each request has a deadline (its body's, then its execution's), and almost every request ends
 * long before it. A timer per request costs its setting and clearing (on a bare Deno.serve handler,
 * about 6 µs of CPU per request for the two a request set), and each timer the runtime keeps refers
 * to its request until it is cleared. Here one timer is set for the earliest deadline of the
 * requests in flight. A request that ends leaves the list and leaves the timer as it is; when it
 * fires, the requests whose deadline has passed are told, and it is set again for the earliest
 * deadline left. When the last request leaves, the timer is cleared, so an idle process holds no
 * timer (and a test leaks none).
 *
 * The requests in flight are a list linked through the requests themselves, not a `Set`: a `Set`
 * under load makes new tables as it grows and shrinks, and a table left behind in the old
 * generation still points at the requests that were in it, which every minor collection until
 * the next full one then finds alive (with all they refer to). A request that leaves the list
 * forgets its neighbours, so nothing left behind points anywhere.
 *
 * @module
 */

/** The longest delay `setTimeout` keeps (2^31 - 1 ms); longer ones overflow and fire at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** Timers run on a coarser clock than `performance.now()`: a millisecond early is on time. */
const EARLY = 1;

/** What has a deadline: when it is (on `performance.now()`'s clock), and what to do then. */
export interface Deadline {
  /** When it is due; `Infinity` for never. */
  readonly due: number;
  /** Called once, when the deadline has passed and it is still scheduled. */
  expire(): void;
  /** The list's links, which {@linkcode Deadlines} alone sets: `null` when not scheduled. */
  deadlinePrevious: Deadline | null;
  /** The next deadline in the list. */
  deadlineNext: Deadline | null;
}

/** The deadlines in flight, with one timer for the earliest. */
export class Deadlines {
  /** The first of the scheduled deadlines (in no order); each links to the next. */
  #head: Deadline | null = null;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When the timer fires; `Infinity` when it is not set. */
  #firesAt = Infinity;

  /** How many deadlines are scheduled. */
  get size(): number {
    return this.#size;
  }

  /**
   * Schedules a deadline (again, when its `due` has changed).
   *
   * @param deadline The deadline; its `expire` is called once `due` has passed, unless it is
   *   cancelled first.
   */
  schedule(deadline: Deadline): void {
    if (!this.#listed(deadline)) {
      const head = this.#head;
      deadline.deadlinePrevious = null;
      deadline.deadlineNext = head;
      if (head !== null) head.deadlinePrevious = deadline;
      this.#head = deadline;
      this.#size++;
    }
    const due = deadline.due;
    if (due < this.#firesAt) this.#arm(due, performance.now());
  }

  /**
   * Cancels a deadline: its `expire` will not be called.
   *
   * @param deadline The deadline.
   */
  cancel(deadline: Deadline): void {
    if (!this.#listed(deadline)) return;
    this.#unlink(deadline);
    if (this.#size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firesAt = Infinity;
  }

  #listed(deadline: Deadline): boolean {
    return deadline.deadlinePrevious !== null || this.#head === deadline;
  }

  #unlink(deadline: Deadline): void {
    const previous = deadline.deadlinePrevious;
    const next = deadline.deadlineNext;
    if (previous === null) this.#head = next;
    else previous.deadlineNext = next;
    if (next !== null) next.deadlinePrevious = previous;
    deadline.deadlinePrevious = null;
    deadline.deadlineNext = null;
    this.#size--;
  }

  #arm(due: number, now: number): void {
    clearTimeout(this.#timer);
    this.#firesAt = due;
    if (due === Infinity) {
      this.#timer = undefined;
      return;
    }
    // A deadline past the longest delay is reached in several.
    this.#timer = setTimeout(fire, Math.min(Math.max(due - now, 0), MAX_TIMER_DELAY), this);
  }

  /** The timer fired: expires what is due, and sets the timer for the earliest left. */
  fire(): void {
    this.#timer = undefined;
    this.#firesAt = Infinity;
    const now = performance.now();
    let due: Deadline[] | null = null;
    let next = Infinity;
    let deadline = this.#head;
    while (deadline !== null) {
      const following = deadline.deadlineNext;
      if (deadline.due - now <= EARLY) {
        this.#unlink(deadline);
        (due ??= []).push(deadline);
      } else if (deadline.due < next) next = deadline.due;
      deadline = following;
    }
    if (next !== Infinity) this.#arm(next, now);
    if (due === null) return;
    // Expired after the timer is set again: an expiry may schedule its next deadline. One that
    // throws does not keep the others from expiring.
    let failure: { error: unknown } | null = null;
    for (const expired of due) {
      try {
        expired.expire();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }
}

function fire(deadlines: Deadlines): void {
  deadlines.fire();
}
