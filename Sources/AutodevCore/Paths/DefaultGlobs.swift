/// Built-in classification globs: sensible events for a repository with no configuration.
enum DefaultGlobs {
    static func globs(for category: PathCategory) -> [String] {
        switch category {
        case .ignore: ignore
        case .specs: specs
        case .tests: tests
        case .dependencies: dependencies
        case .configuration: configuration
        case .code: code
        }
    }

    static let ignore = [
        ".auto-dev/**",
        "**/node_modules/**", "**/vendor/**", "**/.build/**", "**/Pods/**", "**/Carthage/Build/**",
        "**/__pycache__/**", "*.pyc", "**/.venv/**", "**/.tox/**", "**/.mypy_cache/**", "**/.pytest_cache/**",
        "**/.gradle/**", "**/.next/**", "**/.nuxt/**", "**/bower_components/**", "**/.terraform/**",
        "*.min.js", "*.min.css", "*.map", ".DS_Store",
        // Coverage reports: generated output of a test run, never configuration or code.
        "**/htmlcov/**", "**/lcov-report/**", "**/.nyc_output/**", "lcov.info", "coverage-final.json", "coverage-summary.json",
        ".coverage", "coverage.xml", "clover.xml",
        // Coding agents' commands and prompts (`.claude/commands/hm/requirements.md`): instructions
        // to an agent, not a spec of the project's code, whatever their names (a replay of a
        // public repository read its slash commands' sections as requirements).
        ".claude/commands/**", ".claude/agents/**", ".github/prompts/**", ".github/agents/**", ".cursor/commands/**",
        ".cursor/rules/**", ".gemini/commands/**", ".codex/prompts/**", ".opencode/command/**", ".windsurf/workflows/**",
    ]

    static let specs = [
        "specs/**", "kitty-specs/**", ".kiro/specs/**", "openspec/**", "PRPs/**", ".claude/PRPs/**", ".claude/specs/**",
        "docs/stories/**", "_bmad-output/**", ".agent-os/specs/**", "docs/specs/**",
        "SPEC.md", "requirements.md",
    ]

    static let tests = [
        // Swift
        "Tests/**/*.swift", "*Tests.swift", "*Test.swift",
        // Python
        "test_*.py", "*_test.py", "**/tests/**/*.py", "**/test/**/*.py", "conftest.py",
        // Rust
        "tests/**/*.rs", "**/tests/**/*.rs", "benches/**/*.rs",
        // Go
        "*_test.go",
        // JavaScript / TypeScript
        "*.test.{js,jsx,ts,tsx,mjs,cjs,mts,cts}", "*.spec.{js,jsx,ts,tsx,mjs,cjs,mts,cts}",
        "**/__tests__/**/*.{js,jsx,ts,tsx,mjs,cjs}",
        // Java / Kotlin / Scala
        "**/src/test/**/*.{java,kt,kts,scala,groovy}", "*Test.java", "*Tests.java", "*IT.java",
        "*Test.kt", "*Tests.kt",
        // Ruby, C#, PHP
        "*_spec.rb", "**/spec/**/*.rb", "*_test.rb", "*Tests.cs", "*Test.cs", "*Test.php",
        // Shell: `bug_form_test.sh`, Bats files (`Explainer.looksLikeTest` reads them as tests too)
        "*_test.sh", "*_test.bash", "*.bats",
    ]

    static let dependencies = [
        "Package.swift", "Package.resolved", "Package@swift-*.swift",
        "Cargo.toml", "Cargo.lock",
        "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
        "pnpm-workspace.yaml", "bun.lockb", "bun.lock",
        "requirements*.txt", "requirements/*.txt", "constraints*.txt", "pyproject.toml", "poetry.lock",
        "uv.lock", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg", "environment.yml",
        "go.mod", "go.sum", "go.work", "go.work.sum",
        "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
        "gradle.lockfile", "gradle/libs.versions.toml", "gradle/wrapper/gradle-wrapper.properties",
        "Gemfile", "Gemfile.lock", "*.gemspec",
        "composer.json", "composer.lock", "*.csproj", "packages.config", "Directory.Packages.props",
        "mix.exs", "mix.lock", "pubspec.yaml", "pubspec.lock", "Podfile", "Podfile.lock", "Cartfile",
        "Cartfile.resolved", "flake.nix", "flake.lock",
    ]

    static let configuration = [
        "config/**", ".github/workflows/**", ".github/actions/**", ".gitlab-ci.yml", ".circleci/**",
        "Jenkinsfile", ".travis.yml", "azure-pipelines.yml", ".buildkite/**", ".ci/**",
        "Dockerfile", "*.dockerfile", "docker-compose*.yml", "docker-compose*.yaml", "compose.yaml", "compose.yml",
        "Makefile", "justfile", ".editorconfig", ".gitattributes", ".gitignore", ".env.example",
        ".eslintrc*", "eslint.config.*", ".prettierrc*", "prettier.config.*", "tsconfig*.json",
        "jsconfig.json", "babel.config.*", ".babelrc", "vite.config.*", "webpack.config.*", "jest.config.*",
        "vitest.config.*", ".swiftlint.yml", ".swift-format", ".swiftformat", "rustfmt.toml", ".rustfmt.toml",
        "clippy.toml", ".golangci.yml", ".golangci.yaml", "tox.ini", "pytest.ini", ".flake8", "mypy.ini",
        ".pre-commit-config.yaml", ".rubocop.yml", "*.tf", "*.tfvars", ".specify/**", ".kiro/steering/**",
    ]

    static let code = [
        "*.swift", "*.py", "*.pyi", "*.rs", "*.go", "*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}", "*.{vue,svelte}",
        "*.java", "*.kt", "*.kts", "*.scala", "*.groovy", "*.rb", "*.php", "*.cs", "*.fs",
        "*.{c,h,cc,cpp,cxx,hpp,hh,hxx,m,mm}", "*.{ex,exs,erl,hrl}", "*.{hs,ml,mli,clj,cljs}", "*.dart",
        "*.lua", "*.{sh,bash,zsh}", "*.pl", "*.r", "*.R", "*.jl", "*.zig", "*.nim", "*.sql", "*.proto",
        "*.graphql", "*.{html,css,scss,sass,less}",
    ]
}
