// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoFlags.h"

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

Error flagError(const QString& message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

// strconv.ParseBool.
std::optional<bool> parseGoBool(const QString& s)
{
    static const QStringList yes{u"1"_s, u"t"_s, u"T"_s, u"TRUE"_s, u"true"_s, u"True"_s};
    static const QStringList no{u"0"_s, u"f"_s, u"F"_s, u"FALSE"_s, u"false"_s, u"False"_s};
    if (yes.contains(s))
        return true;
    if (no.contains(s))
        return false;
    return std::nullopt;
}

// strconv.ParseInt(s, 0, 64): decimal, 0x, 0o, 0b, a leading 0 is octal, '_' between digits.
std::optional<qint64> parseGoInt(QString s)
{
    if (s.contains(u'_'))
        s.remove(u'_');
    bool ok = false;
    qint64 v = 0;
    QString digits = s;
    bool negative = false;
    if (digits.startsWith(u'-') || digits.startsWith(u'+')) {
        negative = digits.startsWith(u'-');
        digits = digits.mid(1);
    }
    if (digits.startsWith(u"0x"_s, Qt::CaseInsensitive))
        v = digits.mid(2).toLongLong(&ok, 16);
    else if (digits.startsWith(u"0o"_s, Qt::CaseInsensitive))
        v = digits.mid(2).toLongLong(&ok, 8);
    else if (digits.startsWith(u"0b"_s, Qt::CaseInsensitive))
        v = digits.mid(2).toLongLong(&ok, 2);
    else if (digits.size() > 1 && digits.startsWith(u'0'))
        v = digits.mid(1).toLongLong(&ok, 8);
    else
        v = digits.toLongLong(&ok, 10);
    if (!ok || digits.isEmpty() || digits.contains(u'-') || digits.contains(u'+'))
        return std::nullopt;
    return negative ? -v : v;
}

} // namespace

void GoFlags::add(const QString& name, Type type, const QString& usage, const QString& defaultValue)
{
    m_flags.insert(name, Flag{type, usage, defaultValue, {}});
}

Result<void> GoFlags::assign(const QString& name, Flag& flag, const QString& value)
{
    switch (flag.type) {
    case Type::Bool:
        if (!parseGoBool(value))
            return flagError(u"invalid boolean value \"%1\" for -%2: parse error"_s.arg(value, name));
        flag.values = {value};
        break;
    case Type::Int:
        if (!parseGoInt(value))
            return flagError(u"invalid value \"%1\" for flag -%2: parse error"_s.arg(value, name));
        flag.values = {value};
        break;
    case Type::String:
        flag.values = {value};
        break;
    case Type::List:
        flag.values.append(value);
        break;
    }
    m_set.insert(name, true);
    return {};
}

Result<void> GoFlags::parse(const QStringList& args)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args[i];
        if (arg.size() < 2 || !arg.startsWith(u'-')) {
            m_positional = args.mid(i);
            return {};
        }
        qsizetype dashes = 1;
        if (arg.at(1) == u'-') {
            dashes = 2;
            if (arg.size() == 2) { // "--" ends the flags
                m_positional = args.mid(i + 1);
                return {};
            }
        }
        QString name = arg.mid(dashes);
        if (name.isEmpty() || name.startsWith(u'-') || name.startsWith(u'='))
            return flagError(u"bad flag syntax: %1"_s.arg(arg));
        std::optional<QString> value;
        if (const qsizetype eq = name.indexOf(u'='); eq > 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        auto it = m_flags.find(name);
        if (it == m_flags.end()) {
            if (name == u"help"_s || name == u"h"_s) {
                m_help = true;
                return flagError(u"flag: help requested"_s);
            }
            return flagError(u"flag provided but not defined: -%1"_s.arg(name));
        }
        if (it->type == Type::Bool) {
            if (Result<void> r = assign(name, *it, value.value_or(u"true"_s)); !r)
                return r;
            continue;
        }
        if (!value) {
            if (i + 1 >= args.size())
                return flagError(u"flag needs an argument: -%1"_s.arg(name));
            value = args[++i];
        }
        if (Result<void> r = assign(name, *it, *value); !r)
            return r;
    }
    return {};
}

bool GoFlags::boolValue(const QString& name) const
{
    const Flag& f = m_flags[name];
    return parseGoBool(f.values.isEmpty() ? f.defaultValue : f.values.last()).value_or(false);
}

QString GoFlags::stringValue(const QString& name) const
{
    const Flag& f = m_flags[name];
    return f.values.isEmpty() ? f.defaultValue : f.values.last();
}

qint64 GoFlags::intValue(const QString& name) const
{
    return parseGoInt(stringValue(name)).value_or(0);
}

QStringList GoFlags::listValue(const QString& name) const
{
    return m_flags[name].values;
}

QString GoFlags::usage() const
{
    QString out;
    for (auto it = m_flags.cbegin(); it != m_flags.cend(); ++it) {
        out += u"  -"_s + it.key();
        if (it->type == Type::String)
            out += u" string"_s;
        else if (it->type == Type::List)
            out += u" value"_s;
        else if (it->type == Type::Int)
            out += u" int"_s;
        out += u"\n    \t"_s + it->usage;
        if (!it->defaultValue.isEmpty() && it->defaultValue != u"false"_s && it->defaultValue != u"0"_s)
            out += it->type == Type::String ? u" (default \"%1\")"_s.arg(it->defaultValue)
                                            : u" (default %1)"_s.arg(it->defaultValue);
        out += u'\n';
    }
    return out;
}

} // namespace lbdeck::confd
