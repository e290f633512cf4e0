// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// Placeholder until the template engine lands.
namespace lbdeck::tmpl {
}
