// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors

// The oracle: Go's own text/template (Go 1.19, standard library only) over the cases that
// tests/engine/template/TestOracle.cpp feeds to lbdeck's engine. Reads the cases file on stdin and
// writes one line per case: "<name>\t<ok|parse|exec>\t<base64 of the output or the error text>".
//
// Cases file: a case starts with a line "### NAME" or "### NAME [nil]"; the template is every line
// up to the next "###" line, without the final newline. [nil] renders with nil data, as confd
// does; otherwise the data is the map of sampleData(), which TestOracle.cpp builds identically.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
	"text/template"
)

type oracleCase struct {
	name    string
	nilData bool
	text    string
}

func sampleData() map[string]interface{} {
	return map[string]interface{}{
		"S":  "xyz",
		"I":  17,
		"NI": -3,
		"F":  1.5,
		"B":  true,
		"Z":  0,
		"E":  "",
		"N":  nil,
		"U":  "h\u00e9llo, \u4e16\u754c \U0001F600",
		"X":  "\xff\xfeab\x80",
		"H":  "<a href=\"x\">O'Neil & co</a>",
		"L":  []interface{}{1, "two", nil, 2.5, true},
		"SS": []string{"b", "a", "c"},
		"SI": []int{3, 4, 5},
		"M":  map[string]interface{}{"one": 1, "two": "2", "nil": nil},
		"EM": map[string]interface{}{},
		"EL": []interface{}{},
	}
}

func readCases(r io.Reader) ([]oracleCase, error) {
	var cases []oracleCase
	var lines []string
	current := -1
	flush := func() {
		if current >= 0 {
			cases[current].text = strings.Join(lines, "\n")
		}
		lines = nil
	}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "### ") {
			flush()
			name := strings.TrimPrefix(line, "### ")
			nilData := strings.HasSuffix(name, " [nil]")
			name = strings.TrimSuffix(name, " [nil]")
			cases = append(cases, oracleCase{name: name, nilData: nilData})
			current = len(cases) - 1
			continue
		}
		if current >= 0 {
			lines = append(lines, line)
		}
	}
	flush()
	return cases, scanner.Err()
}

func run(c oracleCase) (string, []byte) {
	tmpl, err := template.New("t").Parse(c.text)
	if err != nil {
		return "parse", []byte(err.Error())
	}
	var data interface{}
	if !c.nilData {
		data = sampleData()
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, data); err != nil {
		return "exec", []byte(err.Error())
	}
	return "ok", out.Bytes()
}

func main() {
	cases, err := readCases(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, c := range cases {
		status, text := run(c)
		fmt.Fprintf(w, "%s\t%s\t%s\n", c.name, status, base64.StdEncoding.EncodeToString(text))
	}
	w.Flush()
}
