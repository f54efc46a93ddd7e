// The page's side of a worker that talks in messages: what it says goes to `onMessage`, and a worker that fails
// (it threw, or could not start) says so as one of its own messages, made by `failed`.

export class WorkerClient<To, From> {
  constructor(
    private readonly worker: Worker,
    onMessage: (m: From) => void,
    failed: (why: string) => From,
  ) {
    worker.onmessage = (ev: MessageEvent<From>) => onMessage(ev.data);
    worker.onerror = (ev) => onMessage(failed(ev.message));
  }
  send(m: To, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }
  terminate(): void {
    this.worker.terminate();
  }
}
