import { taskDigest } from './taskDigest';

declare global {
  interface Window {
    taskHarness: { taskDigest: typeof taskDigest };
  }
}
window.taskHarness = { taskDigest };
document.body.dataset.ready = 'true';
