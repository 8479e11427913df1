// First-admin set-up: the set-up code, then an authenticator app. Plain JavaScript; the staff app replaces it.
const $ = (id) => document.getElementById(id);
let csrfToken = '';

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message ?? 'Something went wrong.');
  return data;
}

function show(step) {
  for (const id of ['step-account', 'step-totp', 'step-done']) $(id).hidden = id !== step;
}

$('setup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('message').textContent = '';
  try {
    const created = await post('/api/setup', {
      code: $('code').value.trim(),
      organisation: { slug: $('org-slug').value.trim(), name: $('org-name').value.trim() },
      email: $('email').value.trim(),
      password: $('password').value,
    });
    csrfToken = created.csrfToken;
    const enrolment = await post('/api/account/totp/enrolment');
    $('totp-secret').textContent = enrolment.secret;
    $('totp-uri').href = enrolment.uri;
    show('step-totp');
  } catch (error) {
    $('message').textContent = error.message;
  }
});

$('totp-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('message').textContent = '';
  try {
    const confirmed = await post('/api/account/totp/confirm', { code: $('totp-code').value.trim() });
    $('recovery-codes').replaceChildren(
      ...confirmed.recoveryCodes.map((code) =>
        Object.assign(document.createElement('li'), { textContent: code }),
      ),
    );
    show('step-done');
  } catch (error) {
    $('message').textContent = error.message;
  }
});
