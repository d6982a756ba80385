#ifndef FATHOM_CLIBEDIT_SHIM_H
#define FATHOM_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#endif
