/**
 * The first chunk, a small one: the first page's requests leave as soon as it runs (early.ts), and
 * the app itself (React and the pages, most of the JavaScript and the longest to compile) comes in
 * a chunk of its own, fetched alongside (index.html preloads it) and run next.
 */
import './api/early';
import './styles.css';

void import('./main');
