/** Where something fetched over HTTP stands: a list, a page of history, a panel's content. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
