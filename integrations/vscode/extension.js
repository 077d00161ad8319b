'use strict';
// A minimal VS Code client for `wa-lint server`: it starts the server over stdio for YAML and JSON
// files (the server itself ignores files that are not templates) and watches cdk.out and the
// configuration files, so the server re-lints when `cdk synth` or a config change happens.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration('wa-lint').get('command');
  client = new LanguageClient('wa-lint', 'wa-lint', { command, args, transport: TransportKind.stdio }, {
    documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'file', language: 'json' }],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/cdk.out/**'),
        vscode.workspace.createFileSystemWatcher('**/{.wa-lint.yaml,.wa-lint.yml,pyproject.toml}'),
      ],
    },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
