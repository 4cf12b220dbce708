// The single page: hash routes (#/topics, #/topic/ID, #/q/ID, #/review, #/class, #/teacher) and the header.
import { h, replace } from './dom.js';
import { student } from './store.js';
import { ApiError } from './api.js';
import { topicsView, topicView } from './views/topics.js';
import { questionView } from './views/question.js';
import { classView } from './views/class.js';
import { teacherView } from './views/teacher.js';
import { reviewView, renderDueCount } from './views/review.js';
import { ready as markdownReady } from './md.js';
import { onChange as onStudyChange } from './study.js';
import { startStudySync } from './studysync.js';

const routes = [
  [/^\/?$/, () => topicsView(), 'topics'],
  [/^\/topics\/?$/, () => topicsView(), 'topics'],
  [/^\/topic\/([^/]+)$/, (m) => topicView(decodeURIComponent(m[1])), 'topics'],
  [/^\/q\/([^/]+)$/, (m) => questionView(decodeURIComponent(m[1])), 'topics'],
  [/^\/review\/?$/, () => reviewView(), 'review'],
  [/^\/class\/?$/, () => classView(), 'class'],
  [/^\/class\/([^/]+)$/, (m) => classView(decodeURIComponent(m[1])), 'class'],
  [/^\/teacher\/?$/, () => teacherView(), 'teacher'],
];

let generation = 0;

async function route() {
  const path = location.hash.replace(/^#/, '') || '/topics';
  const view = document.getElementById('view');
  const gen = ++generation;
  let found = null, section = null;
  for (const [re, make, sec] of routes) {
    const m = path.match(re);
    if (m) { found = () => make(m); section = sec; break; }
  }
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  view.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = found ? await found() : notFound(path);
  } catch (e) {
    content = errorView(e);
  }
  if (gen !== generation) return; // a newer navigation won
  replace(view, content);
  view.removeAttribute('aria-busy');
  document.documentElement.dataset.route = path; // which route is on screen (the browser tests wait for it)
  const heading = view.querySelector('h1');
  if (heading && routed) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  document.title = heading ? `${heading.textContent} · Async Python Quiz` : 'Async Python Quiz';
  routed = true;
  view.dispatchEvent(new CustomEvent('view-shown', { bubbles: true }));
}
let routed = false;

function notFound(path) {
  return h('section', {}, h('h1', {}, 'Page not found'),
    h('p', {}, `There is nothing at #${path}. `, h('a', { href: '#/topics' }, 'Go to the topics.')));
}

export function errorView(e) {
  const detail = e instanceof ApiError ? e.message : `Something went wrong: ${e.message}`;
  return h('section', {}, h('h1', {}, e.status === 404 ? 'Not found' : 'Could not load this page'),
    h('p', { class: 'alert error', role: 'alert' }, detail),
    h('p', {}, h('a', { href: '#/topics' }, 'Back to the topics')));
}

function renderRecording(s) {
  const el = document.getElementById('recording');
  if (s && s.token) {
    replace(el, h('span', { class: 'rec on' }, h('span', { class: 'dot', 'aria-hidden': 'true' }),
      'Recording to class ', h('strong', {}, s.class), ' as ', h('strong', {}, s.name)),
    ' ', h('a', { href: '#/class' }, 'My attempts'));
  } else {
    replace(el, h('span', { class: 'rec off' }, h('span', { class: 'dot', 'aria-hidden': 'true' }),
      'Not recording — '), h('a', { href: '#/class' }, 'join a class'));
  }
}

student.onChange(renderRecording);
renderRecording(student.get());
onStudyChange(() => renderDueCount());
renderDueCount();
startStudySync();
window.addEventListener('hashchange', route);
// the bank's Markdown needs markdown-it: the first page is drawn once it is there (or known missing)
markdownReady().then(route);
