/* test-keys-gui.c — the Keys page and "Remember in keyring", with a real keyring
 *
 * Real widgets under Xvfb (tests/gui/xvfb-wrapper) and a real Secret
 * Service: the program runs itself again inside dbus-run-session with a
 * throwaway HOME and its own gnome-keyring-daemon (as test-wizard-gui).
 * The Keys page lists a generated key with its fingerprint and the
 * machines that use it, and Copy Public Key puts exactly its OpenSSH line
 * on the clipboard. Against the SSH lab (as root, its password user): the
 * password prompt's "Remember in keyring" keeps the password, the next
 * connection asks nothing, and a wrong remembered password is refused and
 * asked again, saying so.
 *
 * With JG_TEST_SCREENSHOTS=DIR the page and the prompts are saved as PNGs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jg-application.h"
#include "jg-keys.h"
#include "jg-keys-page.h"
#include "jg-machine-editor.h"
#include "jg-preferences.h"
#include "jg-secrets.h"
#include "jg-test-gui.h"
#include "jg-test-hosts.h"
#include "jg-test-lab.h"
#include "jg-window.h"

#define IN_SESSION "JG_KEYS_GUI_DIR"
#define TIMEOUT_MS 20000

static char *tmpdir;
static GPtrArray *needles;   /* secrets that must be in no file */
static JgApplication *app;
static JgInventory *inventory;
static JgWindow *window;

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (jg_test_gui_wait_for (is_set, slot, TIMEOUT_MS));
  return g_steal_pointer (slot);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type,
                 const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (name == NULL || g_strcmp0 (gtk_widget_get_name (widget), name) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
lookup_secret (const char   *owner,
               JgSecretKind  kind)
{
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  jg_secrets_lookup_async (owner, kind, NULL, on_done, &result);
  done = wait_result (&result);
  secret = jg_secrets_lookup_finish (done, &error);
  g_assert_no_error (error);
  return secret;
}

static void
store_secret (const char   *owner,
              JgSecretKind  kind,
              const char   *secret)
{
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;


  jg_secrets_store_async (owner, kind, "test", secret, NULL, on_done, &result);
  done = wait_result (&result);
  jg_secrets_store_finish (done, &error);
  g_assert_no_error (error);
}

/* ---- secrets nowhere on disk --------------------------------------------- */

/* Pieces of @key's private key (from the keyring), each long enough to be
 * found only where the key was written out. */
static void
add_private_needles (JgKey *key)
{
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_base = jg_key_dup_public_base (key);
  g_autoptr(GString) body = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  char *text = NULL;
  ssh_key private;

  jg_keys_load_private_async (key, NULL, on_done, &result);
  done = wait_result (&result);
  private = jg_keys_load_private_finish (done, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ssh_pki_export_privkey_base64 (private, NULL, NULL, NULL, &text), ==, SSH_OK);
  ssh_key_free (private);
  lines = g_strsplit (text, "\n", -1);
  ssh_string_free_char (text);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "-----"))
      g_string_append (body, g_strstrip (lines[i]));
  for (gsize at = 96; at + 24 <= body->len; at += 24)
    {
      char *piece = g_strndup (body->str + at, 24);

      if (strstr (public_base, piece) == NULL)
        g_ptr_array_add (needles, piece);
      else
        g_free (piece);
    }
}

static void
scan_tree (const char *dir,
           guint      *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          scan_tree (path, n_files);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &length, NULL))
        continue;
      (*n_files)++;
      for (guint i = 0; i < needles->len; i++)
        if (g_strstr_len (contents, length, g_ptr_array_index (needles, i)) != NULL)
          g_error ("%s holds the secret “%.6s…”", path, (char *) g_ptr_array_index (needles, i));
    }
}

/* Last: no password or private key in any file of HOME, the XDG folders,
 * the runtime folder (and the keyring daemon's log). */
static void
test_nothing_on_disk (void)
{
  guint n_files = 0;

  g_test_message ("%u secrets looked for", needles->len);
  scan_tree (tmpdir, &n_files);
  g_test_message ("%u files scanned", n_files);
  g_assert_cmpuint (n_files, >, 3);
}

/* ---- the Keys page ------------------------------------------------------ */

static gboolean
agent_loaded (gpointer page)
{
  return jg_keys_page_get_agent_loaded (page);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_keys_page (void)
{
  JgKeyList *list = jg_key_list_get_default (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgKey) key = NULL;
  g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  GtkWidget *prefs;
  GtkWidget *page;
  GtkWidget *row;
  g_autofree char *copied = NULL;
  const char *subtitle;

  /* a key generated by the core, used by a machine */
  g_assert_nonnull (list);
  jg_keys_generate_async (list, JG_KEY_TYPE_ED25519, "laptop key", "me@laptop", NULL, on_done,
                          &result);
  done = wait_result (&result);
  key = jg_keys_generate_finish (list, done, &error);
  g_assert_no_error (error);
  add_private_needles (key);
  jg_host_set_name (JG_HOST (vm), "vm-with-key");
  jg_host_set_hostname (JG_HOST (vm), "10.0.0.9");
  jg_keys_use_key (JG_HOST (vm), key);
  jg_inventory_add (inventory, JG_HOST (vm));

  /* Preferences → Keys lists it (read from keys.json) */
  prefs = GTK_WIDGET (jg_preferences_new ());
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 720);
  page = find_descendant (prefs, JG_TYPE_KEYS_PAGE, NULL);
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs),
                                           ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (jg_test_gui_wait_for (agent_loaded, page, TIMEOUT_MS));

  row = jg_keys_page_get_key_row (JG_KEYS_PAGE (page), jg_key_get_id (key));
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "laptop key");
  subtitle = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row));
  g_assert_nonnull (strstr (subtitle, jg_key_get_fingerprint (key)));
  g_assert_true (g_str_has_prefix (jg_key_get_fingerprint (key), "SHA256:"));
  g_assert_nonnull (strstr (subtitle, "Ed25519"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  jg_test_gui_spin (300);
  {
    /* the details name the comment and the machine that uses the key */
    gboolean comment_seen = FALSE, user_seen = FALSE;

    for (GtkWidget *w = row; w != NULL;)
      {
        if (ADW_IS_ACTION_ROW (w))
          {
            const char *text = adw_action_row_get_subtitle (ADW_ACTION_ROW (w));

            comment_seen |= g_strcmp0 (text, "me@laptop") == 0;
            user_seen |= g_strcmp0 (text, "vm-with-key") == 0;
          }
        /* depth-first walk */
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != row && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w == row ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_true (comment_seen);
    g_assert_true (user_seen);
  }
  jg_test_gui_screenshot (prefs, "keys-page");

  /* Copy Public Key: the exact OpenSSH line */
  g_assert_true (gtk_widget_activate_action (page, "keys.copy-public", "s", jg_key_get_id (key)));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (page), NULL, on_text_read, &copied);
  g_assert_true (jg_test_gui_wait_for (is_set, &copied, TIMEOUT_MS));
  g_assert_cmpstr (copied, ==, jg_key_get_public_line (key));
  g_assert_true (g_str_has_prefix (copied, "ssh-ed25519 AAAA"));
  g_assert_true (g_str_has_suffix (copied, " me@laptop"));
  g_assert_null (strchr (copied, '\n'));
  jg_test_gui_spin (200);
  jg_test_gui_screenshot (prefs, "keys-page-copied");

  gtk_window_destroy (GTK_WINDOW (prefs));
  jg_inventory_remove (inventory, JG_HOST (vm), NULL);
  jg_test_gui_spin (50);
}

/* ---- Generate, Import and Delete on the Keys page ---------------------- */

static gboolean has_heading (gpointer data);
static AdwMessageDialog *find_dialog (const char *heading);

static gboolean
row_count_is (gpointer data)
{
  JgKeysPage *page = data;
  guint want = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (page), "want"));

  return g_list_model_get_n_items (G_LIST_MODEL (jg_keys_page_get_key_list (page))) == want;
}

static void
wait_for_keys (JgKeysPage *page,
               guint       n)
{
  g_object_set_data (G_OBJECT (page), "want", GUINT_TO_POINTER (n));
  g_assert_true (jg_test_gui_wait_for (row_count_is, page, TIMEOUT_MS));
}

static void
test_generate_import_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *key_file = g_build_filename (ssh_dir, "id_ed25519", NULL);
  g_autofree char *passphrase = g_strdup_printf ("pass-%u", g_random_int ());
  g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  GtkWidget *prefs;
  JgKeysPage *page;
  JgKeyList *list;
  AdwMessageDialog *dialog;
  guint n;
  int status = -1;

  g_ptr_array_add (needles, g_strdup (passphrase));
  prefs = GTK_WIDGET (jg_preferences_new ());
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  page = JG_KEYS_PAGE (find_descendant (prefs, JG_TYPE_KEYS_PAGE, NULL));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (prefs));
  list = jg_keys_page_get_key_list (page);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  /* Generate: named and commented by the person, RSA 4096 chosen */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.generate", NULL));
  dialog = find_dialog ("Generate a Key");
  {
    GtkWidget *w = GTK_WIDGET (dialog);
    GtkWidget *name_row = NULL, *comment_row = NULL, *type_row = NULL;

    /* the rows in order: Name, Comment, Type */
    for (GtkWidget *c = w; c != NULL;)
      {
        if (ADW_IS_ENTRY_ROW (c) && name_row == NULL)
          name_row = c;
        else if (ADW_IS_ENTRY_ROW (c) && comment_row == NULL)
          comment_row = c;
        else if (ADW_IS_COMBO_ROW (c))
          type_row = c;
        if (gtk_widget_get_first_child (c) != NULL)
          c = gtk_widget_get_first_child (c);
        else
          {
            while (c != w && gtk_widget_get_next_sibling (c) == NULL)
              c = gtk_widget_get_parent (c);
            c = c == w ? NULL : gtk_widget_get_next_sibling (c);
          }
      }
    g_assert_nonnull (name_row);
    g_assert_nonnull (comment_row);
    g_assert_nonnull (type_row);
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (type_row)), ==, 0);  /* Ed25519 */
    gtk_editable_set_text (GTK_EDITABLE (name_row), "work laptop");
    gtk_editable_set_text (GTK_EDITABLE (comment_row), "alice@work");
    adw_combo_row_set_selected (ADW_COMBO_ROW (type_row), 1);
    jg_test_gui_spin (200);
    jg_test_gui_screenshot (w, "keys-generate");
  }
  adw_message_dialog_response (dialog, "generate");
  wait_for_keys (page, n + 1);
  {
    g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (list), n);

    g_assert_cmpstr (jg_key_get_name (key), ==, "work laptop");
    g_assert_cmpstr (jg_key_get_comment (key), ==, "alice@work");
    g_assert_cmpstr (jg_key_get_type_label (key), ==, "RSA 4096");
    g_assert_nonnull (jg_keys_page_get_key_row (page, jg_key_get_id (key)));
    add_private_needles (key);
  }

  /* Import: ~/.ssh/id_ed25519 is offered; its passphrase is asked */
  g_mkdir_with_parents (ssh_dir, 0700);
  {
    const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "imported@home",
                           "-f", key_file, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                                 G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.import", NULL));
  dialog = find_dialog ("Import a Key");
  {
    GtkWidget *combo = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL);
    GListModel *files = adw_combo_row_get_model (ADW_COMBO_ROW (combo));

    g_assert_cmpuint (g_list_model_get_n_items (files), ==, 1);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (files), 0), ==, key_file);
  }
  adw_message_dialog_response (dialog, "import");
  dialog = find_dialog ("Passphrase for");
  {
    GtkWidget *entry = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);

    gtk_editable_set_text (GTK_EDITABLE (entry), passphrase);
    adw_message_dialog_response (dialog, "import");
  }
  wait_for_keys (page, n + 2);
  {
    g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (list), n + 1);

    g_assert_cmpstr (jg_key_get_comment (key), ==, "imported@home");
    g_assert_cmpint (jg_key_get_source (key), ==, JG_KEY_SOURCE_IMPORTED);
    add_private_needles (key);
  }
  g_unlink (key_file);
  {
    g_autofree char *pub = g_strconcat (key_file, ".pub", NULL);

    g_unlink (pub);
  }

  /* Delete: the question names the machine that still uses the key */
  {
    g_autoptr(JgKey) key = g_list_model_get_item (G_LIST_MODEL (list), n);
    g_autofree char *id = g_strdup (jg_key_get_id (key));
    g_autofree char *found = NULL;

    jg_host_set_name (JG_HOST (vm), "vm-uses-rsa");
    jg_host_set_hostname (JG_HOST (vm), "10.0.0.10");
    jg_keys_use_key (JG_HOST (vm), key);
    jg_inventory_add (inventory, JG_HOST (vm));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.delete", "s", id));
    dialog = find_dialog ("Delete “work laptop”?");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "vm-uses-rsa"));
    jg_test_gui_spin (200);
    jg_test_gui_screenshot (GTK_WIDGET (dialog), "keys-delete");
    adw_message_dialog_response (dialog, "delete");
    wait_for_keys (page, n + 1);
    g_assert_null (jg_keys_page_get_key_row (page, id));
    found = lookup_secret (id, JG_SECRET_PRIVATE_KEY);
    g_assert_null (found);
    jg_inventory_remove (inventory, JG_HOST (vm), NULL);
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  jg_test_gui_spin (50);
}

/* ---- the password prompt ------------------------------------------------ */

static JgTestLab *lab;
static JgJumpHost *jump;

static gboolean
page_settled (gpointer data)
{
  JgTerminalPageState state = jg_terminal_page_get_state (data);

  return state != JG_TERMINAL_PAGE_CONNECTING && state != JG_TERMINAL_PAGE_IDLE;
}

static gboolean
prompt_shown (gpointer data)
{
  return jg_window_get_prompt_dialog (window) != NULL || page_settled (data);
}

static void
assert_connected (JgTerminalPage *page)
{
  g_assert_true (jg_test_gui_wait_for (page_settled, page, TIMEOUT_MS));
  if (jg_terminal_page_get_state (page) != JG_TERMINAL_PAGE_CONNECTED)
    {
      g_autofree char *log = jg_terminal_page_dup_log (page);

      g_test_message ("connection log:\n%s", log);
      g_assert_no_error ((GError *) jg_terminal_page_get_error (page));
    }
  g_assert_cmpuint (jg_terminal_page_get_state (page), ==, JG_TERMINAL_PAGE_CONNECTED);
}

static void
close_all_tabs (void)
{
  AdwTabView *view = jg_window_get_tab_view (window);

  while (adw_tab_view_get_n_pages (view) > 0)
    adw_tab_view_close_page (view, adw_tab_view_get_nth_page (view, 0));
  jg_test_gui_spin (100);
}

/* Answers the shown password prompt with @password, "Remember in keyring"
 * set to @remember; returns the dialog's body. */
static char *
answer_prompt (const char *password,
               gboolean    remember,
               const char *screenshot)
{
  GtkWindow *dialog = jg_window_get_prompt_dialog (window);
  GtkWidget *entry;
  GtkWidget *check;
  char *body;

  g_assert_nonnull (dialog);
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  entry = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  g_assert_nonnull (entry);
  check = find_descendant (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, "remember-in-keyring");
  g_assert_nonnull (check);
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==, "_Remember in keyring");
  gtk_editable_set_text (GTK_EDITABLE (entry), password);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), remember);
  jg_test_gui_spin (300);
  jg_test_gui_screenshot (GTK_WIDGET (dialog), screenshot);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "respond");
  return body;
}

static void
test_remember_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  g_autofree char *found = NULL;
  g_autofree char *body = NULL;
  JgTerminalPage *page;
  const char *password;
  const char *pw_user;
  int accepted;

  if (lab == NULL)
    {
      g_test_skip ("the SSH lab could not start");
      return;
    }
  pw_user = jg_test_lab_get (lab, "JG_LAB_PASSWORD_USER");
  if (pw_user == NULL || pw_user[0] == '\0')
    {
      g_test_skip ("the lab has a password user only when run as root");
      return;
    }
  password = jg_test_lab_get (lab, "JG_LAB_PASSWORD");
  g_ptr_array_add (needles, g_strdup (password));
  g_ptr_array_add (needles, g_strdup ("not-the-password"));
  jg_test_lab_set_host (lab, JG_HOST (vm), "vm-password", "VM1", JG_HOST (jump), NULL);
  jg_host_set_user (JG_HOST (vm), pw_user);
  jg_host_set_auth (JG_HOST (vm), JG_AUTH_PASSWORD);
  jg_host_set_identity_file (JG_HOST (vm), NULL);
  jg_inventory_add (inventory, JG_HOST (vm));
  g_assert_false (jg_host_get_remember_password (JG_HOST (vm)));

  /* asked; "Remember in keyring" checked: kept, and the machine remembers */
  page = jg_window_connect (window, JG_HOST (vm));
  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  body = answer_prompt (password, TRUE, "password-prompt");
  assert_connected (page);
  g_assert_true (jg_host_get_remember_password (JG_HOST (vm)));
  found = lookup_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD);
  g_assert_cmpstr (found, ==, password);
  g_clear_pointer (&found, jg_secrets_free);
  g_clear_pointer (&body, g_free);
  close_all_tabs ();

  /* the next connection asks nothing */
  accepted = jg_test_lab_count_log (lab, "vm1", "Accepted password for");
  page = jg_window_connect (window, JG_HOST (vm));
  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  g_assert_null (jg_window_get_prompt_dialog (window));
  assert_connected (page);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Accepted password for"), ==, accepted + 1);
  close_all_tabs ();

  /* "Remember Password" turned off in the editor: the keyring forgets it */
  {
    GtkWindow *editor = jg_window_edit_host (window, JG_HOST (vm));
    GtkWidget *remember = NULL;
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    for (GtkWidget *c = GTK_WIDGET (editor); c != NULL;)
      {
        if (ADW_IS_ACTION_ROW (c) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), "Remember Password") == 0)
          remember = find_descendant (c, GTK_TYPE_SWITCH, NULL);
        if (gtk_widget_get_first_child (c) != NULL)
          c = gtk_widget_get_first_child (c);
        else
          {
            while (c != GTK_WIDGET (editor) && gtk_widget_get_next_sibling (c) == NULL)
              c = gtk_widget_get_parent (c);
            c = c == GTK_WIDGET (editor) ? NULL : gtk_widget_get_next_sibling (c);
          }
      }
    g_assert_nonnull (remember);
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (remember)));
    gtk_switch_set_active (GTK_SWITCH (remember), FALSE);
    g_assert_true (jg_machine_editor_save (JG_MACHINE_EDITOR (editor)));
    gtk_window_destroy (editor);
    g_assert_false (jg_host_get_remember_password (JG_HOST (vm)));
    do
      {
        jg_test_gui_spin (100);
        g_clear_pointer (&found, jg_secrets_free);
        found = lookup_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD);
      }
    while (found != NULL && g_get_monotonic_time () < end);
    g_assert_null (found);
  }

  /* a wrong remembered password (on another machine, that remembers): asked
   * again, the prompt says why */
  {
    g_autoptr(JgMachine) other = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);

    jg_test_lab_set_host (lab, JG_HOST (other), "vm-wrong-password", "VM1", JG_HOST (jump), NULL);
    jg_host_set_user (JG_HOST (other), pw_user);
    jg_host_set_auth (JG_HOST (other), JG_AUTH_PASSWORD);
    jg_host_set_identity_file (JG_HOST (other), NULL);
    jg_host_set_remember_password (JG_HOST (other), TRUE);
    jg_inventory_add (inventory, JG_HOST (other));
    g_set_object (&vm, other);
  }
  store_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD, "not-the-password");
  page = jg_window_connect (window, JG_HOST (vm));
  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  body = answer_prompt (password, TRUE, "password-prompt-refused");
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "The password remembered in the keyring was refused."));
  assert_connected (page);
  found = lookup_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD);
  g_assert_cmpstr (found, ==, password);
  close_all_tabs ();

  /* removing the machine (the toast goes, no Undo) clears its secrets */
  jg_window_remove_host (window, JG_HOST (vm));
  g_clear_pointer (&found, jg_secrets_free);
  {
    AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (find_descendant (GTK_WIDGET (window),
                                                                    ADW_TYPE_TOAST_OVERLAY, NULL));
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    g_assert_nonnull (overlay);
    /* the secret stays while Undo is possible */
    found = lookup_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD);
    g_assert_cmpstr (found, ==, password);
    g_clear_pointer (&found, jg_secrets_free);
    do
      {
        jg_test_gui_spin (500);
        found = lookup_secret (jg_host_get_id (JG_HOST (vm)), JG_SECRET_PASSWORD);
        if (found == NULL)
          break;
        g_clear_pointer (&found, jg_secrets_free);
      }
    while (g_get_monotonic_time () < end);
    g_assert_null (found);
  }
}

/* ---- Install Key on This Machine… --------------------------------------- */

static gboolean
has_heading (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), data) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The shown message dialog whose heading contains @heading. */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels;

  toplevels = gtk_window_get_toplevels ();
  if (!jg_test_gui_wait_for (has_heading, (gpointer) heading, TIMEOUT_MS))
    {
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (w))
            g_printerr ("# dialog: %s — %s\n", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)),
                        adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (w)));
        }
      g_error ("no dialog “%s…” appeared", heading);
    }
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) != NULL)
        return ADW_MESSAGE_DIALOG (w);
    }
  g_assert_not_reached ();
}

/* Removes the lines holding @needle from @path (the lab user's real file). */
static void
remove_lines_with (const char *path,
                   const char *needle)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  int fd;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && strstr (lines[i], needle) == NULL)
      g_string_append_printf (kept, "%s\n", lines[i]);
  fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd >= 0)
    {
      if (write (fd, kept->str, kept->len) != (gssize) kept->len)
        g_test_message ("could not clean %s", path);
      close (fd);
    }
}

/* The editor's "Install Key on This Machine…" on a machine that logs in by
 * password through the jump host: asked for the password once, the key
 * lands in ~/.ssh/authorized_keys, the machine switches to it, and the next
 * connection logs in with the key, asking nothing. */
static void
test_install_key (void)
{
  JgKeyList *list = jg_key_list_get_default (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JgKey) key = NULL;
  g_autoptr(JgMachine) vm = jg_machine_new (JG_MACHINE_KIND_VIRTUAL);
  g_autofree char *authorized = NULL;
  g_autofree char *base = NULL;
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  AdwMessageDialog *dialog;
  GtkWindow *editor;
  JgTerminalPage *page;
  struct passwd *pw;
  const char *pw_user;
  int lock_fd;
  int accepted;

  if (lab == NULL)
    {
      g_test_skip ("the SSH lab could not start");
      return;
    }
  pw_user = jg_test_lab_get (lab, "JG_LAB_PASSWORD_USER");
  if (pw_user == NULL || pw_user[0] == '\0')
    {
      g_test_skip ("the lab has a password user only when run as root");
      return;
    }
  pw = getpwnam (pw_user);
  g_assert_nonnull (pw);
  authorized = g_build_filename (pw->pw_dir, ".ssh", "authorized_keys", NULL);
  /* the password user's home is shared by every lab (test-keys too) */
  {
    g_autofree char *lock_path = g_build_filename (g_get_tmp_dir (), "jg-keys-lab-user.lock", NULL);

    lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    g_assert_cmpint (lock_fd, >=, 0);
    g_assert_cmpint (flock (lock_fd, LOCK_EX), ==, 0);
  }

  g_assert_nonnull (list);
  jg_keys_generate_async (list, JG_KEY_TYPE_ED25519, "install key", "jumpgate-test@keys-gui", NULL,
                          on_done, &result);
  done = wait_result (&result);
  key = jg_keys_generate_finish (list, done, &error);
  g_assert_no_error (error);
  add_private_needles (key);
  base = jg_key_dup_public_base (key);

  jg_test_lab_set_host (lab, JG_HOST (vm), "vm-install", "VM1", JG_HOST (jump), NULL);
  jg_host_set_user (JG_HOST (vm), pw_user);
  jg_host_set_auth (JG_HOST (vm), JG_AUTH_PASSWORD);
  jg_host_set_identity_file (JG_HOST (vm), NULL);
  jg_inventory_add (inventory, JG_HOST (vm));

  editor = jg_window_edit_host (window, JG_HOST (vm));
  jg_test_gui_spin (200);
  {
    /* the Authentication page's row */
    GtkWidget *row = NULL;

    for (GtkWidget *c = GTK_WIDGET (editor); c != NULL;)
      {
        if (ADW_IS_ACTION_ROW (c) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)),
                       "Install Key on This Machine…") == 0)
          row = c;
        if (gtk_widget_get_first_child (c) != NULL)
          c = gtk_widget_get_first_child (c);
        else
          {
            while (c != GTK_WIDGET (editor) && gtk_widget_get_next_sibling (c) == NULL)
              c = gtk_widget_get_parent (c);
            c = c == GTK_WIDGET (editor) ? NULL : gtk_widget_get_next_sibling (c);
          }
      }
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_get_visible (row));
    g_assert_true (gtk_widget_activate (row));
  }
  dialog = find_dialog ("Install a Key on “vm-install”");
  {
    /* the keys Jumpgate holds are offered: choose the new one */
    GtkWidget *combo = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL);
    GListModel *names = adw_combo_row_get_model (ADW_COMBO_ROW (combo));
    guint n = g_list_model_get_n_items (names);
    guint found = n;

    g_assert_cmpuint (n, >=, 2);   /* the other tests' and this one */
    for (guint i = 0; i < n; i++)
      if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "install key (Ed25519)") == 0)
        found = i;
    g_assert_cmpuint (found, <, n);
    adw_combo_row_set_selected (ADW_COMBO_ROW (combo), found);
  }
  jg_test_gui_spin (200);
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "install-key-choose");
  adw_message_dialog_response (dialog, "install");

  /* the connection asks for the machine's password */
  dialog = find_dialog ("(vm-install)");
  {
    GtkWidget *entry = find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);

    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), jg_test_lab_get (lab, "JG_LAB_PASSWORD"));
    adw_message_dialog_response (dialog, "respond");
  }
  dialog = find_dialog ("Key Installed");
  g_test_message ("install: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "install key"));
  jg_test_gui_spin (200);
  jg_test_gui_screenshot (GTK_WIDGET (dialog), "install-key-done");
  adw_message_dialog_response (dialog, "close");

  g_assert_cmpint (jg_host_get_auth (JG_HOST (vm)), ==, JG_AUTH_KEY);
  g_assert_cmpstr (jg_host_get_key_id (JG_HOST (vm)), ==, jg_key_get_id (key));
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (authorized, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, base));
  }
  gtk_window_destroy (editor);

  /* the next connection logs in with the key from the keyring */
  accepted = jg_test_lab_count_log (lab, "vm1", "Accepted publickey for");
  page = jg_window_connect (window, JG_HOST (vm));
  g_assert_true (jg_test_gui_wait_for (prompt_shown, page, TIMEOUT_MS));
  g_assert_null (jg_window_get_prompt_dialog (window));
  assert_connected (page);
  g_assert_cmpint (jg_test_lab_count_log (lab, "vm1", "Accepted publickey for"), ==, accepted + 1);
  close_all_tabs ();

  /* the editor shows the machine's Jumpgate key, and chooses another */
  editor = jg_window_edit_host (window, JG_HOST (vm));
  jg_test_gui_spin (200);
  {
    GtkWidget *key_row = NULL;
    GListModel *names;
    guint other = G_MAXUINT;

    for (GtkWidget *c = GTK_WIDGET (editor); c != NULL;)
      {
        if (ADW_IS_COMBO_ROW (c) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), "Key") == 0)
          key_row = c;
        if (gtk_widget_get_first_child (c) != NULL)
          c = gtk_widget_get_first_child (c);
        else
          {
            while (c != GTK_WIDGET (editor) && gtk_widget_get_next_sibling (c) == NULL)
              c = gtk_widget_get_parent (c);
            c = c == GTK_WIDGET (editor) ? NULL : gtk_widget_get_next_sibling (c);
          }
      }
    g_assert_nonnull (key_row);
    g_assert_true (gtk_widget_get_visible (key_row));
    names = adw_combo_row_get_model (ADW_COMBO_ROW (key_row));
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names),
                                                 adw_combo_row_get_selected (ADW_COMBO_ROW (key_row))),
                     ==, "install key (Ed25519)");
    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "laptop key (Ed25519)") == 0)
        other = i;
    g_assert_cmpuint (other, !=, G_MAXUINT);
    adw_combo_row_set_selected (ADW_COMBO_ROW (key_row), other);
    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_descendant (GTK_WIDGET (editor),
                                                                            ADW_TYPE_VIEW_STACK, NULL)),
                                           "auth");
    jg_test_gui_spin (300);
    jg_test_gui_screenshot (GTK_WIDGET (editor), "editor-key-chooser");
    g_assert_true (jg_machine_editor_save (JG_MACHINE_EDITOR (editor)));
    g_assert_cmpint (jg_host_get_auth (JG_HOST (vm)), ==, JG_AUTH_KEY);
    g_assert_cmpstr (jg_host_get_key_id (JG_HOST (vm)), !=, jg_key_get_id (key));
  }
  gtk_window_destroy (editor);

  remove_lines_with (authorized, base + strlen ("ssh-ed25519 "));
  close (lock_fd);
}

/* ---- set-up ------------------------------------------------------------- */

/* The session bus: nothing is activated on it (no second keyring daemon
 * that would start locked, no prompter), only what the session starts. */
static const char bus_config_text[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

static int
run_in_session (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *config_path = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *log_path = g_build_filename (tmpdir, "keyring.log", NULL);
  int status = 0;
  static const struct { const char *name, *path; } dirs_env[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "home/.config" },
    { "XDG_DATA_HOME", "home/.local/share" },
    { "XDG_STATE_HOME", "home/.local/state" },
    { "XDG_CACHE_HOME", "home/.cache" },
    { "XDG_RUNTIME_DIR", "run" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dirs_env); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, dirs_env[i].path, NULL);

      g_mkdir_with_parents (path, 0700);
      g_setenv (dirs_env[i].name, path, TRUE);
    }
  g_setenv (IN_SESSION, tmpdir, TRUE);
  if (g_getenv ("GDK_DEBUG") == NULL)
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  {
    const char *lsan = g_getenv ("LSAN_OPTIONS");
    /* full stacks, so that the suppressions see where GLib's first quark
     * table came from (a library's load) */
    g_autofree char *options = g_strdup_printf ("%s%ssuppressions=%s/gui/lsan.supp:fast_unwind_on_malloc=0",
                                                lsan != NULL ? lsan : "", lsan != NULL ? ":" : "",
                                                JG_TEST_SRCDIR);
    g_setenv ("LSAN_OPTIONS", options, TRUE);
  }
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("SSH_AUTH_SOCK");
  g_unsetenv ("GNOME_KEYRING_CONTROL");

  g_setenv ("GTK_A11Y", "none", TRUE);
  {
    g_autofree char *listen = g_build_filename (tmpdir, "bus", NULL);
    g_autofree char *config = g_strdup_printf (bus_config_text, listen);

    g_mkdir_with_parents (listen, 0700);
    config_path = g_build_filename (tmpdir, "session.conf", NULL);
    g_file_set_contents (config_path, config, -1, &error);
    g_assert_no_error (error);
    config_arg = g_strconcat ("--config-file=", config_path, NULL);
  }
  g_ptr_array_add (args, (char *) "dbus-run-session");
  g_ptr_array_add (args, config_arg);
  g_ptr_array_add (args, (char *) "--");
  /* A keyring unlocked with a password of its own, as a login does, and
   * ready before the tests start; it ends with the bus. */
  g_ptr_array_add (args, (char *) JG_TEST_SRCDIR "/with-keyring");
  g_ptr_array_add (args, (char *) "--log");
  g_ptr_array_add (args, log_path);
  g_ptr_array_add (args, (char *) "jumpgate");
  g_ptr_array_add (args, (char *) "--");
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error))
    {
      g_print ("1..0 # SKIP no D-Bus session possible: %s\n", error->message);
      status = 0;
    }
  g_free (self);
  if (g_getenv ("JG_KEYS_GUI_KEEP") == NULL)
    {
      const char *rm[] = { "/bin/rm", "-rf", "--one-file-system", tmpdir, NULL };

      /* The session's gnome-keyring-daemon may still be leaving its files. */
      for (guint i = 0; i < 30 && g_file_test (tmpdir, G_FILE_TEST_EXISTS); i++)
        {
          if (i > 0)
            g_usleep (100000);
          g_spawn_sync ("/", (char **) rm, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL);
        }
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  if (g_getenv (IN_SESSION) == NULL)
    {
      g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
      g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");

      if (dbus == NULL || keyring == NULL)
        {
          g_print ("1..0 # SKIP dbus-run-session or gnome-keyring-daemon is missing\n");
          return 0;
        }
      tmpdir = g_dir_make_tmp ("jg-test-keys-gui-XXXXXX", NULL);
      status = run_in_session (argc, argv);
      g_free (tmpdir);
      return status;
    }
  tmpdir = g_strdup (g_getenv (IN_SESSION));
  needles = g_ptr_array_new_with_free_func (g_free);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_true (g_main_context_acquire (NULL));

  app = jg_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  inventory = jg_application_get_inventory (app);
  window = jg_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  jg_test_gui_spin (200);

  lab = jg_test_lab_start (&error);
  if (lab == NULL)
    g_test_message ("the SSH lab could not start: %s", error->message);
  else
    {
      jump = jg_jump_host_new ();
      jg_test_lab_set_host (lab, JG_HOST (jump), "lab-jump", "JUMP", NULL, NULL);
      jg_inventory_add (inventory, JG_HOST (jump));
    }

  g_test_add_func ("/keys-gui/keys-page", test_keys_page);
  g_test_add_func ("/keys-gui/generate-import-delete", test_generate_import_delete);
  g_test_add_func ("/keys-gui/remember-password", test_remember_password);
  g_test_add_func ("/keys-gui/install-key", test_install_key);
  g_test_add_func ("/keys-gui/nothing-on-disk", test_nothing_on_disk);
  status = g_test_run ();

  close_all_tabs ();
  gtk_window_destroy (GTK_WINDOW (window));
  jg_test_gui_spin (100);
  g_clear_object (&jump);
  g_clear_object (&app);
  g_clear_pointer (&lab, jg_test_lab_stop);
  g_main_context_release (NULL);
  g_free (tmpdir);
  g_ptr_array_unref (needles);
  return status;
}
