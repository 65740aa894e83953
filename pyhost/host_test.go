package pyhost

import "testing"

func TestParseRoutes(t *testing.T) {
	routes, err := parseRoutes([]byte(`[["/items/{id}",["GET","HEAD"],200,"item"],["/items",["POST"],201,"create"]]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 2 || routes[0].Path != "/items/{id}" || routes[0].Methods[1] != "HEAD" ||
		routes[1].Status != 201 || routes[1].Name != "create" {
		t.Fatalf("%+v", routes)
	}
	for _, bad := range []string{`{}`, `[["/x",["GET"],200]]`, `[["/x","GET",200,"n"]]`, `[["/x",[1],200,"n"]]`} {
		if _, err := parseRoutes([]byte(bad)); err == nil {
			t.Errorf("parseRoutes(%s) accepted a malformed table", bad)
		}
	}
}

func TestRefusesSubinterpretersNamesTheModule(t *testing.T) {
	m := refusesSubinterpreters.FindStringSubmatch("Traceback ...\nImportError: module readline does not support loading in subinterpreters")
	if m == nil || m[1] != "readline" {
		t.Fatalf("match = %v", m)
	}
	if refusesSubinterpreters.MatchString("ModuleNotFoundError: No module named 'x'") {
		t.Fatal("an unrelated import error matched")
	}
}

func TestParseRoutesWithOptions(t *testing.T) {
	routes, err := parseRoutes([]byte(`[["/static",["STATIC"],200,"static",{"directory":"/srv","html":true}]]`))
	if err != nil {
		t.Fatal(err)
	}
	if dir, _ := routes[0].Options["directory"].(string); dir != "/srv" || routes[0].Options["html"] != true {
		t.Fatalf("options %+v", routes[0].Options)
	}
	if _, err := parseRoutes([]byte(`[["/s",["STATIC"],200,"s","not a dict"]]`)); err == nil {
		t.Error("a fifth element that is not an object was accepted")
	}
}

func TestParseTableWithMiddleware(t *testing.T) {
	routes, app, err := parseTable([]byte(`{"routes":[["/a",["GET"],200,"a"],["",["FASTERAPI-ANSWER"],200,"fasterapi.answer"]],` +
		`"app":{"middleware":[["cors",{"allow_origins":["*"]}],["gzip",{}]],"answer_route":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 2 || app.AnswerRoute != 1 || len(app.Middleware) != 2 || app.Middleware[0].Name != "cors" ||
		string(app.Middleware[0].Options) != `{"allow_origins":["*"]}` {
		t.Fatalf("%+v %+v", routes, app)
	}
	_, app, err = parseTable([]byte(`{"routes":[],"app":{"middleware":[]}}`))
	if err != nil || app.AnswerRoute != -1 || app.Middleware != nil {
		t.Fatalf("%+v %v", app, err)
	}
	for _, bad := range []string{`[]`, `{"routes":{}}`, `{"routes":[],"app":{"answer_route":0}}`,
		`{"routes":[],"app":{"middleware":[["cors"]]}}`, `{"routes":[],"app":{"middleware":[[1,{}]]}}`} {
		if _, _, err := parseTable([]byte(bad)); err == nil {
			t.Errorf("parseTable(%s) accepted a malformed table", bad)
		}
	}
}
