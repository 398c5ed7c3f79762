package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The root model routes and lays out; features live in rooms (issue #22).
const (
	maxRootFields  = 30
	maxRootMethods = 80
)

// TestRootModelStaysARouter: tui.Model has at most maxRootFields fields and
// maxRootMethods methods, and no other struct in tui holds a *Model (a
// room that kept the root would be the hall again under another name).
func TestRootModelStaysARouter(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), "tui")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	fields, methods := 0, 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && strings.TrimPrefix(recvString(d.Recv.List[0].Type), "*") == "Model" {
					methods++
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					if ts.Name.Name == "Model" {
						fields += countFields(st)
						continue
					}
					for _, fl := range st.Fields.List {
						if star, ok := fl.Type.(*ast.StarExpr); ok {
							if id, ok := star.X.(*ast.Ident); ok && id.Name == "Model" {
								t.Errorf("%s: %s holds a *Model", rel(moduleRoot(t), name), ts.Name.Name)
							}
						}
					}
				}
			}
		}
	}
	if fields == 0 || methods == 0 {
		t.Fatalf("found %d fields and %d methods of tui.Model: is it still there?", fields, methods)
	}
	if fields > maxRootFields || methods > maxRootMethods {
		t.Errorf("tui.Model has %d fields and %d methods (at most %d and %d): move the feature into its room", fields, methods, maxRootFields, maxRootMethods)
	}
	t.Logf("tui.Model: %d fields, %d methods", fields, methods)
}

func countFields(st *ast.StructType) int {
	n := 0
	for _, fl := range st.Fields.List {
		n += max(1, len(fl.Names))
	}
	return n
}
