// The ProcessingQueue port: where uploaded objects wait to be tagged. Adapters: the local job
// queue (local-processing.ts, with its worker) and, on AWS, the onUpload function
// (lambda-processing.ts). Both pass test/contract/processing-queue.contract.ts.

export interface ProcessingQueue {
  /** Process the object as soon as possible (its bytes arrived, or a retag). */
  enqueue(key: string): Promise<void>;
  /** Forget a queued object (its image was deleted). A queue that holds nothing may no-op. */
  cancel(key: string): Promise<void>;
  /**
   * Look at the object again at `deadline` in case no upload ever comes, so the image ends
   * `failed` instead of `pending` for ever. An upload arriving before then replaces this.
   */
  expectUpload(key: string, deadline: Date): Promise<void>;
}
