import { Router } from 'express';
import { COPY_SCRIPT_PATH } from './html';

/** Adds a Copy button after each read-only value to copy (see copyField); without script the values stay selectable. */
const SCRIPT = `document.querySelectorAll('input.copy-value').forEach(function (input) {
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy ' + (input.labels && input.labels[0] ? input.labels[0].textContent : 'value'));
  button.addEventListener('click', function () {
    input.select();
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 2000); };
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand('copy'); done(); });
    else { document.execCommand('copy'); done(); }
  });
  input.insertAdjacentElement('afterend', button);
});
`;

export function copyButtons(): Router {
  const router = Router();
  router.get(COPY_SCRIPT_PATH, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(SCRIPT);
  });
  return router;
}
