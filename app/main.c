/* main.c — the jumpgate program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gui/jg-application.h"
#include "jg-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JgApplication) app = NULL;
  const char *localedir = g_getenv ("JUMPGATE_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* A program run from its build tree (the tests, `meson devenv`) reads the
   * catalogues built there. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = jg_application_new ();
  jg_cli_install (G_APPLICATION (app));

  return g_application_run (G_APPLICATION (app), argc, argv);
}
