// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ProfileDialog.h"

#include "BalancersEditor.h"
#include "ConnectionTestPanel.h"
#include "NodesEditor.h"
#include "core/cluster/ProfileStore.h"
#include "core/cluster/ProfileValidation.h"
#include "core/util/Callback.h"
#include "ui/SecretStore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QLineEdit* field(const QString& objectName, const QString& placeholder, QWidget* parent)
{
    auto* e = new QLineEdit(parent);
    e->setObjectName(objectName);
    e->setPlaceholderText(placeholder);
    e->setClearButtonEnabled(true);
    return e;
}

} // namespace

ProfileDialog::ProfileDialog(SecretStore* secrets, QWidget* parent)
    : QDialog(parent)
    , m_secrets(secrets)
{
    setObjectName(u"profileDialog"_s);
    setWindowTitle(tr("Cluster profile"));
    m_name = field(u"profileName"_s, tr("e.g. production"), this);
    m_endpoints = field(u"etcdEndpoints"_s, u"http://10.0.0.1:2379, http://10.0.0.2:2379"_s, this);
    m_api = new QComboBox(this);
    m_api->setObjectName(u"etcdApi"_s);
    m_api->addItem(tr("Detect"), u"auto"_s);
    m_api->addItem(tr("v3 (JSON gateway)"), u"v3"_s);
    m_api->addItem(tr("v2 (legacy keys API)"), u"v2"_s);
    m_caFile = field(u"etcdCaFile"_s, tr("CA certificate (PEM), for https endpoints"), this);
    m_certFile = field(u"etcdCertFile"_s, tr("client certificate (PEM), optional"), this);
    m_keyFile = field(u"etcdKeyFile"_s, tr("client key (PEM), optional"), this);
    m_user = field(u"etcdUser"_s, tr("empty: no authentication"), this);
    m_password = field(u"etcdPassword"_s, tr("kept in the keychain only"), this);
    m_password->setEchoMode(QLineEdit::Password);
    m_prefix = field(u"keyPrefix"_s, u"/test/"_s, this);

    auto* etcdBox = new QGroupBox(tr("etcd"), this);
    auto* etcdForm = new QFormLayout(etcdBox);
    etcdForm->addRow(tr("&Endpoints:"), withError(m_endpoints));
    etcdForm->addRow(tr("&API:"), m_api);
    etcdForm->addRow(tr("CA &file:"), withError(m_caFile));
    etcdForm->addRow(tr("Client &certificate:"), withError(m_certFile));
    etcdForm->addRow(tr("Client &key:"), withError(m_keyFile));
    etcdForm->addRow(tr("&User:"), withError(m_user));
    etcdForm->addRow(tr("&Password:"), m_password);
    etcdForm->addRow(tr("Backend &prefix:"), withError(m_prefix));

    m_nodes = new NodesEditor(this);
    connect(m_nodes, &NodesEditor::changed, this, &ProfileDialog::revalidate);
    m_image = field(u"backendImage"_s, u"lbdeck/backend:test"_s, this);
    m_containerPort = new QSpinBox(this);
    m_containerPort->setObjectName(u"containerPort"_s);
    m_containerPort->setRange(1, 65535);
    auto* nodesBox = new QGroupBox(tr("Nodes and backends"), this);
    auto* nodesLayout = new QVBoxLayout(nodesBox);
    nodesLayout->addWidget(m_nodes, 1);
    auto* backendForm = new QFormLayout;
    backendForm->addRow(tr("Backend &image:"), withError(m_image));
    backendForm->addRow(tr("Container p&ort:"), m_containerPort);
    nodesLayout->addLayout(backendForm);

    m_engineMode = new QComboBox(this);
    m_engineMode->setObjectName(u"engineMode"_s);
    m_engineMode->addItem(tr("lbdeck-engine on the load-balancer node"), u"remote"_s);
    m_engineMode->addItem(tr("Inside lbdeck"), u"embedded"_s);
    m_engineUrl = field(u"engineUrl"_s, u"http://127.0.0.1:9913"_s, this);
    m_engineConfig = field(u"engineConfig"_s, tr("lbdeck-engine.toml, for the engine inside lbdeck"), this);
    m_nginxUrl = field(u"nginxUrl"_s, u"http://10.0.0.1:80"_s, this);
    m_lbName = field(u"balancerName"_s, tr("e.g. core-a; needed when there are several"), this);
    m_engineSsh = field(u"engineSsh"_s,
                        tr("empty, or ssh://core@10.0.0.1 when the status URL is only open there"), this);
    auto* lbBox = new QGroupBox(tr("Load balancers"), this);
    auto* lbForm = new QFormLayout;
    lbForm->addRow(tr("Na&me:"), m_lbName);
    lbForm->addRow(tr("E&ngine:"), m_engineMode);
    lbForm->addRow(tr("Engine &status URL:"), withError(m_engineUrl));
    lbForm->addRow(tr("Engine through SS&H:"), m_engineSsh);
    lbForm->addRow(tr("Engine &config:"), withError(m_engineConfig));
    lbForm->addRow(tr("nginx &URL:"), withError(m_nginxUrl));
    m_balancers = new BalancersEditor(lbBox);
    connect(m_balancers, &BalancersEditor::changed, this, &ProfileDialog::revalidate);
    m_moreBalancers = new QLabel(lbBox);
    m_moreBalancers->setObjectName(u"balancersError"_s);
    m_moreBalancers->setWordWrap(true);
    m_moreBalancers->setTextFormat(Qt::PlainText);
    m_moreBalancers->setStyleSheet(u"color: #d32f2f"_s);
    m_moreBalancers->hide();
    auto* lbLayout = new QVBoxLayout(lbBox);
    lbLayout->addLayout(lbForm);
    lbLayout->addWidget(new QLabel(tr("More load balancers, each with its lbdeck-engine:"), lbBox));
    lbLayout->addWidget(m_balancers, 1);
    lbLayout->addWidget(m_moreBalancers);

    m_error = new QLabel(this);
    m_error->setObjectName(u"profileError"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #d32f2f"_s);
    m_error->hide();

    m_test = new ConnectionTestPanel(this);
    connect(m_test, &ConnectionTestPanel::requested, this, &ProfileDialog::testConnection);
    auto* testBox = new QGroupBox(tr("Connection"), this);
    auto* testLayout = new QVBoxLayout(testBox);
    testLayout->addWidget(m_test);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(u"profileButtons"_s);
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(u"saveProfile"_s);
    auto* import = buttons->addButton(tr("&Import from environment"), QDialogButtonBox::ActionRole);
    import->setObjectName(u"importEnvironmentButton"_s);
    import->setToolTip(
        tr("ETCDCTL_ENDPOINTS, ETCDCTL_CACERT/CERT/KEY, DOCKER_HOST and the hosts in ~/.ssh/config"));
    connect(import, &QPushButton::clicked, this, &ProfileDialog::importEnvironment);
    connect(buttons, &QDialogButtonBox::accepted, this, &ProfileDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    auto* nameForm = new QFormLayout;
    nameForm->addRow(tr("&Name:"), withError(m_name));
    layout->addLayout(nameForm);
    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(etcdBox);
    left->addWidget(lbBox);
    columns->addLayout(left);
    columns->addWidget(nodesBox, 1);
    layout->addLayout(columns, 1);
    layout->addWidget(testBox);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    for (QLineEdit* e : {m_name, m_endpoints, m_caFile, m_certFile, m_keyFile, m_user, m_password, m_prefix,
                         m_image, m_engineUrl, m_engineConfig, m_nginxUrl, m_lbName, m_engineSsh})
        connect(e, &QLineEdit::textChanged, this, &ProfileDialog::revalidate);
    connect(m_engineMode, &QComboBox::currentIndexChanged, this, &ProfileDialog::revalidate);
    setProfile(ClusterProfile());
}

QWidget* ProfileDialog::withError(QLineEdit* field)
{
    auto* box = new QWidget(this);
    auto* label = new QLabel(box);
    label->setObjectName(field->objectName() + u"Error"_s);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(u"color: #d32f2f"_s);
    label->hide();
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(label);
    m_fieldErrors.insert(field, label);
    return box;
}

void ProfileDialog::showProblem(QLineEdit* field, const Result<void>& check)
{
    QLabel* label = m_fieldErrors.value(field);
    if (!label)
        return;
    label->setText(check ? QString() : check.error().message);
    label->setVisible(!check);
    field->setStyleSheet(check ? QString() : u"QLineEdit { border: 1px solid #d32f2f; }"_s);
}

bool ProfileDialog::revalidate()
{
    const ClusterProfile p = profile();
    const bool embedded = p.balancer().engine == BalancerProfile::Engine::Embedded;
    m_engineUrl->setEnabled(!embedded);
    m_engineConfig->setEnabled(embedded);
    const std::pair<QLineEdit*, Result<void>> checks[] = {
        {m_name, profilecheck::name(m_name->text())},
        {m_endpoints, toVoid(profilecheck::etcdEndpoints(m_endpoints->text()))},
        {m_caFile, profilecheck::tlsFile(p.etcd.tls.caFile, tr("CA certificate"))},
        {m_certFile, profilecheck::tlsFile(p.etcd.tls.certFile, tr("client certificate"))},
        {m_keyFile,
         [&]() -> Result<void> {
             if (Result<void> f = profilecheck::tlsFile(p.etcd.tls.keyFile, tr("client key")); !f)
                 return f;
             return profilecheck::tlsPair(p.etcd.tls);
         }()},
        {m_user, profilecheck::etcdUser(p.etcd.user, !m_password->text().isEmpty())},
        {m_prefix, profilecheck::prefix(m_prefix->text())},
        {m_image, profilecheck::image(p.backends.image)},
        {m_engineUrl,
         embedded ? Result<void>() : profilecheck::engineStatusUrl(p.balancer().engineStatusUrl)},
        {m_engineConfig,
         embedded ? profilecheck::engineConfigFile(p.balancer().engineConfigFile) : Result<void>()},
        {m_nginxUrl, profilecheck::nginxUrl(p.balancer().nginxUrl)},
    };
    // The form is the first load balancer, the table the others: checked as one list.
    const QStringList lbProblems = profilecheck::balancers(p.balancers);
    m_moreBalancers->setText(lbProblems.join(u"\n"_s));
    m_moreBalancers->setVisible(!lbProblems.isEmpty());
    bool valid = m_nodes->isValid() && lbProblems.isEmpty();
    for (const auto& [field, check] : checks) {
        showProblem(field, check);
        valid = valid && check.ok();
    }
    m_save->setEnabled(valid);
    return valid;
}

void ProfileDialog::setProfile(const ClusterProfile& p)
{
    m_base = p; // what the dialog does not show is kept as it was
    m_name->setText(p.name);
    m_endpoints->setText(p.etcd.endpoints.join(u", "_s));
    m_api->setCurrentIndex(p.etcd.api == EtcdApi::V3 ? 1 : p.etcd.api == EtcdApi::V2 ? 2 : 0);
    m_caFile->setText(p.etcd.tls.caFile);
    m_certFile->setText(p.etcd.tls.certFile);
    m_keyFile->setText(p.etcd.tls.keyFile);
    m_user->setText(p.etcd.user);
    m_password->clear();
    m_prefix->setText(QString::fromUtf8(p.prefix));
    m_nodes->setNodes(p.nodes);
    m_image->setText(p.backends.image);
    m_containerPort->setValue(p.backends.containerPort);
    m_engineMode->setCurrentIndex(p.balancer().engine == BalancerProfile::Engine::Embedded ? 1 : 0);
    m_engineUrl->setText(p.balancer().engineStatusUrl);
    m_engineConfig->setText(p.balancer().engineConfigFile);
    m_nginxUrl->setText(p.balancer().nginxUrl);
    m_lbName->setText(p.balancer().name);
    m_engineSsh->setText(p.balancer().engineSsh);
    m_balancers->setBalancers(p.balancers.mid(1));
    m_error->hide();
    revalidate();
}

ClusterProfile ProfileDialog::profile() const
{
    ClusterProfile p = m_base;
    p.etcd.endpoints.clear();
    p.name = m_name->text().trimmed();
    for (const QString& e : m_endpoints->text().split(u',', Qt::SkipEmptyParts))
        p.etcd.endpoints << e.trimmed();
    const QString api = m_api->currentData().toString();
    p.etcd.api = api == u"v3"_s ? EtcdApi::V3 : api == u"v2"_s ? EtcdApi::V2 : EtcdApi::Auto;
    p.etcd.tls =
        TlsFiles{m_caFile->text().trimmed(), m_certFile->text().trimmed(), m_keyFile->text().trimmed(), {}};
    p.etcd.user = m_user->text().trimmed();
    p.prefix = m_prefix->text().trimmed().toUtf8();
    p.nodes = m_nodes->nodes();
    p.backends.image = m_image->text().trimmed();
    p.backends.containerPort = m_containerPort->value();
    p.balancer().engine = m_engineMode->currentData().toString() == u"embedded"_s
                              ? BalancerProfile::Engine::Embedded
                              : BalancerProfile::Engine::Remote;
    p.balancer().engineStatusUrl = m_engineUrl->text().trimmed();
    p.balancer().engineConfigFile = m_engineConfig->text().trimmed();
    p.balancer().nginxUrl = m_nginxUrl->text().trimmed();
    p.balancer().name = m_lbName->text().trimmed();
    p.balancer().engineSsh = m_engineSsh->text().trimmed();
    p.balancers = p.balancers.mid(0, 1) + m_balancers->balancers();
    return p;
}

void ProfileDialog::save()
{
    if (!revalidate()) {
        m_error->setText(tr("Not saved: correct the fields marked in red."));
        m_error->show();
        return;
    }
    const ClusterProfile p = profile();
    if (Result<void> stored = ProfileStore().save(p); !stored) {
        m_error->setText(tr("Could not save the profile: %1").arg(stored.error().toString()));
        m_error->show();
        return;
    }
    const QString password = m_password->text();
    if (password.isEmpty() || !m_secrets) {
        Q_EMIT saved(p);
        accept();
        return;
    }
    setEnabled(false);
    m_secrets->write(SecretStore::etcdPasswordKey(p.name), password, this, [this, p](const Result<void>& r) {
        setEnabled(true);
        if (!r) {
            // The profile is saved without it: nothing falls back to a file.
            m_error->setText(
                tr("The profile is saved, but the password is not: %1").arg(r.error().toString()));
            m_error->show();
            return;
        }
        m_password->clear();
        Q_EMIT saved(p);
        accept();
    });
}

void ProfileDialog::done(int result)
{
    m_test->cancel();
    QDialog::done(result);
}

void ProfileDialog::setSshOptions(const SshTunnelOptions& options)
{
    m_test->setSshOptions(options);
}

void ProfileDialog::testConnection()
{
    m_test->run(profile(), m_password->text());
}

void ProfileDialog::importEnvironment()
{
    ClusterProfile imported = ProfileStore::fromEnvironment();
    imported.name = m_name->text().isEmpty() ? imported.name : m_name->text();
    imported.prefix = m_prefix->text().toUtf8();
    imported.balancers = profile().balancers;
    setProfile(imported);
}

} // namespace lbdeck
