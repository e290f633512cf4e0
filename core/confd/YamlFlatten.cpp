// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "YamlFlatten.h"

#include "GoPath.h"
#include "YamlScalar.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

// yaml-cpp resolves aliases into shared nodes, so a recursive anchor or a "billion laughs"
// document would walk forever; these bound the walk.
constexpr int kMaxDepth = 1000;
constexpr long kMaxNodes = 4'000'000;

struct DecodeError
{
    std::string message;
};

std::string lineOf(const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? std::to_string(mark.line + 1) : std::string("?");
}

// The entries of one Go map, in the order they were first set; a later set replaces the value.
class MapEntries
{
public:
    void set(std::string key, YAML::Node value)
    {
        const auto it = m_index.find(key);
        if (it != m_index.end()) {
            m_entries[it->second].second = std::move(value);
            return;
        }
        m_index.emplace(key, m_entries.size());
        m_entries.emplace_back(std::move(key), std::move(value));
    }
    const std::vector<std::pair<std::string, YAML::Node>>& entries() const { return m_entries; }

private:
    std::vector<std::pair<std::string, YAML::Node>> m_entries;
    std::unordered_map<std::string, std::size_t> m_index;
};

class Walker
{
public:
    explicit Walker(KeyValues& into)
        : m_into(into)
    {}

    void walk(const YAML::Node& node, const std::string& key, int depth)
    {
        enter(depth);
        switch (node.Type()) {
        case YAML::NodeType::Map: {
            MapEntries entries;
            collect(node, entries, depth);
            for (const auto& [k, v] : entries.entries())
                walk(v, goJoinPath(key, k), depth + 1);
            break;
        }
        case YAML::NodeType::Sequence: {
            std::size_t i = 0;
            for (const YAML::Node& item : node)
                walk(item, goJoinPath(key, std::to_string(i++)), depth + 1);
            break;
        }
        case YAML::NodeType::Scalar: {
            const YamlScalar s = resolveYamlScalar(node.Tag(), node.Scalar());
            if (!s.error.empty())
                throw DecodeError{"line " + lineOf(node) + ": " + s.error};
            switch (s.kind) {
            case YamlScalar::Kind::String:
            case YamlScalar::Kind::Merge: // "<<" as a value is the string "<<"
            case YamlScalar::Kind::Int:
            case YamlScalar::Kind::Bool:
            case YamlScalar::Kind::Float:
                m_into.insert(QByteArray::fromStdString(key), QByteArray::fromStdString(s.text));
                break;
            case YamlScalar::Kind::Null:
            case YamlScalar::Kind::Uint: // nodeWalk has no case for uint64
                break;
            }
            break;
        }
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            break;
        }
    }

private:
    void enter(int depth)
    {
        if (depth > kMaxDepth)
            throw DecodeError{"exceeded max depth of " + std::to_string(kMaxDepth)};
        if (++m_nodes > kMaxNodes)
            throw DecodeError{"document contains excessive aliasing"};
    }

    // yaml.v2's mapping(): keys set in document order, a "<<" merge key applies its map(s) at its
    // place (of a list of maps, the earlier ones win).
    void collect(const YAML::Node& map, MapEntries& out, int depth)
    {
        enter(depth);
        for (const auto& pair : map) {
            const YAML::Node k = pair.first;
            const YAML::Node v = pair.second;
            if (k.IsScalar()) {
                const YamlScalar s = resolveYamlScalar(k.Tag(), k.Scalar());
                if (!s.error.empty())
                    throw DecodeError{"line " + lineOf(k) + ": " + s.error};
                if (s.kind == YamlScalar::Kind::Merge) {
                    merge(v, out, depth + 1);
                    continue;
                }
                if (s.kind == YamlScalar::Kind::String) {
                    out.set(s.text, v);
                    continue;
                }
                throw DecodeError{"line " + lineOf(k) + ": map key `" + k.Scalar() + "` is " +
                                  kindName(s.kind) +
                                  ", not a string; confd's file backend needs string keys (quote it)"};
            }
            if (k.IsNull())
                throw DecodeError{"line " + lineOf(k) +
                                  ": map key is null, not a string; confd's file backend needs string keys"};
            throw DecodeError{"line " + lineOf(k) + ": invalid map key: a " +
                              std::string(k.IsMap() ? "map" : "list") + " cannot be a key"};
        }
    }

    void merge(const YAML::Node& value, MapEntries& out, int depth)
    {
        if (value.IsMap()) {
            collect(value, out, depth);
            return;
        }
        if (value.IsSequence()) {
            for (std::size_t i = value.size(); i-- > 0;) {
                const YAML::Node item = value[i];
                if (!item.IsMap())
                    throw DecodeError{"line " + lineOf(value) +
                                      ": map merge requires map or sequence of maps as the value"};
                collect(item, out, depth);
            }
            return;
        }
        throw DecodeError{"line " + lineOf(value) +
                          ": map merge requires map or sequence of maps as the value"};
    }

    static std::string kindName(YamlScalar::Kind kind)
    {
        switch (kind) {
        case YamlScalar::Kind::Int:
        case YamlScalar::Kind::Uint:
            return "an int";
        case YamlScalar::Kind::Bool:
            return "a bool";
        case YamlScalar::Kind::Float:
            return "a float";
        case YamlScalar::Kind::Null:
            return "null";
        case YamlScalar::Kind::String:
        case YamlScalar::Kind::Merge:
            break;
        }
        return "a string";
    }

    KeyValues& m_into;
    long m_nodes = 0;
};

// yaml.v2's terror() for a document that is not a map.
std::string notAMap(const YAML::Node& root)
{
    std::string what;
    if (root.IsSequence()) {
        what = "!!seq";
    } else {
        const YamlScalar s = resolveYamlScalar(root.Tag(), root.Scalar());
        std::string tag = "!!str";
        switch (s.kind) {
        case YamlScalar::Kind::Int:
        case YamlScalar::Kind::Uint:
            tag = "!!int";
            break;
        case YamlScalar::Kind::Bool:
            tag = "!!bool";
            break;
        case YamlScalar::Kind::Float:
            tag = "!!float";
            break;
        default:
            break;
        }
        std::string value = root.Scalar();
        if (value.size() > 10)
            value = value.substr(0, 7) + "...";
        what = tag + " `" + value + "`";
    }
    return "yaml: unmarshal errors:\n  line " + lineOf(root) + ": cannot unmarshal " + what +
           " into map[interface {}]interface {}";
}

} // namespace

Result<void> flattenYaml(const QByteArray& data, KeyValues& into)
{
    try {
        const YAML::Node root = YAML::Load(data.toStdString());
        if (root.IsNull() || !root.IsDefined())
            return {};
        if (!root.IsMap())
            return makeError(ErrorCode::Validation, QString::fromStdString(notAMap(root)));
        KeyValues values = into;
        Walker(values).walk(root, "/", 0);
        into = std::move(values);
        return {};
    } catch (const YAML::Exception& e) {
        if (e.mark.is_null())
            return makeError(ErrorCode::Validation, u"yaml: "_s + QString::fromStdString(e.msg));
        return makeError(ErrorCode::Validation,
                         u"yaml: line %1: %2"_s.arg(e.mark.line + 1).arg(QString::fromStdString(e.msg)));
    } catch (const DecodeError& e) {
        return makeError(ErrorCode::Validation, u"yaml: "_s + QString::fromStdString(e.message));
    }
}

} // namespace lbdeck::confd
