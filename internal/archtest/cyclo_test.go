// Package archtest holds architecture tests: rules about the shape of the
// code base as a whole that no single package's tests can see.
package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// maxComplexity is the largest cyclomatic complexity a function may have
// (issue 22: the root routes and lays out; no function is a hall where
// everything happens).
const maxComplexity = 25

// pictureCodecs are the directories, relative to the module root, of the
// picture decoders and encoders. Their inner loops are one function on
// purpose (a JPEG scan, a sixel encoder), so the limit does not apply there.
var pictureCodecs = []string{
	"internal/imaging",
	"internal/termgfx",
	"internal/cellimg",
}

// allowed lists, by "dir function" as the module-relative directory and
// gocyclo's name for the function, the functions over the limit that are
// still being taken apart, with the complexity they had when listed. An
// entry may not grow past its number, and an entry that has dropped to the
// limit (or is gone) fails the test until it is removed from here, so the
// list only shrinks.
var allowed = map[string]int{}

// funcStat is one function's complexity, as gocyclo reports it.
type funcStat struct {
	dir        string // module-relative directory, "/"-separated
	name       string // "Name" or "(*T).Name"
	complexity int
	pos        token.Position
}

func (s funcStat) key() string { return s.dir + " " + s.name }

// TestCyclomaticComplexity fails naming every function of the module, tests
// included, whose cyclomatic complexity is over maxComplexity, outside the
// picture codecs and the allow-list. The numbers are gocyclo's
// (github.com/fzipp/gocyclo v0.6.0): `gocyclo -over 25 .` at the module
// root lists the same functions.
func TestCyclomaticComplexity(t *testing.T) {
	root := moduleRoot(t)
	stats, err := analyzeModule(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) < 100 {
		t.Fatalf("only %d functions found under %s: the walk is broken", len(stats), root)
	}
	seen := map[string]int{}
	var over []string
	for _, s := range stats {
		if s.complexity <= maxComplexity || inPictureCodec(s.dir) {
			continue
		}
		if limit, ok := allowed[s.key()]; ok {
			seen[s.key()] = s.complexity
			if s.complexity > limit {
				over = append(over, fmt.Sprintf("%s:%d: %s has a complexity of %d, more than the %d it was allowed while being split; it may only shrink",
					rel(root, s.pos.Filename), s.pos.Line, s.name, s.complexity, limit))
			}
			continue
		}
		over = append(over, fmt.Sprintf("%s:%d: %s has a cyclomatic complexity of %d (at most %d): split it into named steps or a table",
			rel(root, s.pos.Filename), s.pos.Line, s.name, s.complexity, maxComplexity))
	}
	for key := range allowed {
		if _, ok := seen[key]; !ok {
			over = append(over, fmt.Sprintf("%s is allowed over %d but is no longer over it (or is gone): remove it from the allow-list in internal/archtest",
				key, maxComplexity))
		}
	}
	sort.Strings(over)
	for _, msg := range over {
		t.Error(msg)
	}
}

func inPictureCodec(dir string) bool {
	for _, codec := range pictureCodecs {
		if dir == codec || strings.HasPrefix(dir, codec+"/") {
			return true
		}
	}
	return false
}

// moduleRoot is the directory holding go.mod, found upwards from the test's
// working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// analyzeModule walks root as gocyclo does (skipping testdata, vendor and
// directories starting with "." or "_") and measures every .go file.
func analyzeModule(root string) ([]funcStat, error) {
	var stats []funcStat
	err := filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			if path != root && skipDir(entry.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(entry.Name(), ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fileStats, err := analyzeSource(path, src)
		if err != nil {
			return err
		}
		dir := rel(root, filepath.Dir(path))
		for i := range fileStats {
			fileStats[i].dir = dir
		}
		stats = append(stats, fileStats...)
		return nil
	})
	return stats, err
}

func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// analyzeSource measures the functions of one file as gocyclo does: every
// function or method declaration (function literals inside it count towards
// it), and every package-level variable whose value is a function literal.
//
// gocyclo's "//gocyclo:ignore" directive is deliberately not honoured: the
// picture codecs and the allow-list above are the only exceptions, and they
// are in one place.
func analyzeSource(filename string, src []byte) ([]funcStat, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var stats []funcStat
	add := func(node ast.Node, name string) {
		stats = append(stats, funcStat{name: name, complexity: complexity(node), pos: fset.Position(node.Pos())})
	}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			add(decl, funcName(decl))
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				valueSpec, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for _, value := range valueSpec.Values {
					// gocyclo names every literal of a spec after its
					// first name; kept so the names match its report.
					if lit, ok := value.(*ast.FuncLit); ok {
						add(lit, valueSpec.Names[0].Name)
					}
				}
			}
		}
	}
	return stats, nil
}

// complexity is 1 plus one for each if, for, range, case clause other than
// default, select clause other than default, && and ||.
func complexity(node ast.Node) int {
	c := 1
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			c++
		case *ast.CaseClause:
			if n.List != nil {
				c++
			}
		case *ast.CommClause:
			if n.Comm != nil {
				c++
			}
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				c++
			}
		}
		return true
	})
	return c
}

// funcName is "Name" for a function and "(T).Name" or "(*T).Name" for a
// method, type parameters left out.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || fn.Recv.NumFields() == 0 {
		return fn.Name.Name
	}
	return fmt.Sprintf("(%s).%s", recvString(fn.Recv.List[0].Type), fn.Name.Name)
}

func recvString(recv ast.Expr) string {
	switch t := recv.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return "*" + recvString(t.X)
	case *ast.IndexExpr:
		return recvString(t.X)
	case *ast.IndexListExpr:
		return recvString(t.X)
	}
	return "BADRECV"
}
