#ifndef FATHOM_CLIBEDIT_SHIM_H
#define FATHOM_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <locale.h>
#include <histedit.h>

// el_set, el_get and history are variadic, which Swift cannot call: one
// fixed-signature wrapper per operation fathom uses.

typedef char *(*fathom_prompt_fn)(EditLine *);
typedef unsigned char (*fathom_command_fn)(EditLine *, int);

static inline int fathom_el_set_prompt(EditLine *el, fathom_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int fathom_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int fathom_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int fathom_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int fathom_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *fathom_el_get_clientdata(EditLine *el) {
  void *data = NULL;
  el_get(el, EL_CLIENTDATA, &data);
  return data;
}
static inline int fathom_el_addfn(EditLine *el, const char *name, const char *help, fathom_command_fn f) {
  return el_set(el, EL_ADDFN, name, help, f);
}
static inline int fathom_el_bind(EditLine *el, const char *key, const char *fn) {
  return el_set(el, EL_BIND, key, fn, NULL);
}
// While editing, Ctrl-C reaches the editor as a key instead of raising SIGINT.
static inline int fathom_el_set_tty_noisig(EditLine *el) { return el_set(el, EL_SETTY, "-d", "-isig", NULL); }
static inline int fathom_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int fathom_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int fathom_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int fathom_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
static inline int fathom_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }
#endif
