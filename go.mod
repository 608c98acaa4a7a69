module github.com/gevent-go/gevent

go 1.26

require (
	github.com/ianlancetaylor/cgosymbolizer v0.0.0-20241025222116-6b205f073fdd
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
