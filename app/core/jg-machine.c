/* jg-machine.c — a machine in the sidebar: a virtual machine or an own machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jg-machine.h"

struct _JgMachine
{
  JgHost         parent_instance;
  JgMachineKind  kind;
};

G_DEFINE_FINAL_TYPE (JgMachine, jg_machine, JG_TYPE_HOST)

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
jg_machine_get_kind_name (JgHost *host)
{
  return JG_MACHINE (host)->kind == JG_MACHINE_KIND_OWN ? "own" : "vm";
}

static void
jg_machine_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JgMachine *self = JG_MACHINE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_uint (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_machine_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JgMachine *self = JG_MACHINE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      jg_machine_set_kind (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jg_machine_class_init (JgMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JgHostClass *host_class = JG_HOST_CLASS (klass);

  object_class->get_property = jg_machine_get_property;
  object_class->set_property = jg_machine_set_property;
  host_class->get_kind_name = jg_machine_get_kind_name;

  properties[PROP_KIND] =
    g_param_spec_uint ("kind", NULL, NULL, 0, JG_MACHINE_KIND_OWN, JG_MACHINE_KIND_VIRTUAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jg_machine_init (JgMachine *self)
{
}

JgMachine *
jg_machine_new (JgMachineKind kind)
{
  return g_object_new (JG_TYPE_MACHINE, "kind", kind, NULL);
}

JgMachineKind
jg_machine_get_kind (JgMachine *self)
{
  g_return_val_if_fail (JG_IS_MACHINE (self), JG_MACHINE_KIND_VIRTUAL);
  return self->kind;
}

void
jg_machine_set_kind (JgMachine     *self,
                     JgMachineKind  kind)
{
  g_return_if_fail (JG_IS_MACHINE (self));
  g_return_if_fail (kind <= JG_MACHINE_KIND_OWN);

  if (self->kind == kind)
    return;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}
