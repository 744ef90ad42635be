# Shortcuts for developers; each target is one of the README's commands.
.PHONY: run test linux windows installer mac packages

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

linux:
	bash scripts/package.sh linux

windows:
	bash scripts/package.sh windows

installer:
	bash scripts/package.sh windows-installer

mac:
	bash scripts/package.sh darwin

packages:
	bash scripts/package.sh all
