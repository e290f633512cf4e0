// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ConfigRenderer.h"

#include <QByteArray>
#include <QString>

namespace lbdeck {

// What happened to one candidate config.
struct DeployReport
{
    enum class Outcome
    {
        Applied,       // installed, reloaded, and (where it can be) confirmed running
        CheckFailed,   // the check refused it; nothing changed
        InstallFailed, // it could not be written; nothing changed
        ReloadFailed,  // the reload failed or nginx did not take it; the previous file is back
    };
    Outcome outcome = Outcome::Applied;
    QString message;        // for an operator: what failed and what to do
    QByteArray checkOutput; // what the check printed
    bool inPlace = false;   // the destination could not be replaced atomically
    bool confirmed = false; // nginx was seen running the new config
    qint64 hupAtMs = 0;     // wall clock (ms since epoch) of the HUP / reload command
    qint64 stageUs = 0, checkUs = 0, installUs = 0, reloadUs = 0, confirmUs = 0;
    bool ok() const { return outcome == Outcome::Applied; }
};

QString outcomeName(DeployReport::Outcome outcome);

// Puts a rendered config live: stage beside the destination, check, install, reload, confirm.
// Runs on the engine's deploy thread; blocking is allowed there, never on the GUI thread.
class Deployer
{
public:
    virtual ~Deployer() = default;
    // previous: the config that runs now (restored if the reload fails), empty if none.
    virtual DeployReport deploy(const RenderedConfig& config, const QByteArray& previous) = 0;
    // Where the config lives, for messages: "/etc/nginx/nginx.conf", "container nginx:/etc/nginx/nginx.conf".
    virtual QString describe() const = 0;
    // The config file as it is now, if it can be read (the starting point after a restart).
    virtual QByteArray currentConfig() const = 0;
    // The file on this machine that it writes (locked while the engine runs); empty when it writes
    // elsewhere (into a container).
    virtual QString localFile() const { return {}; }
};

} // namespace lbdeck
