import Foundation
import PackagePlugin

/// Generates the Casework target's intervention catalogue from Protocol/intervention-catalogue.json at build
/// time: the protocol's published file is the one source of the catalogue.
@main
struct CatalogueCodegen: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "Protocol/intervention-catalogue.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "InterventionCatalogue+Published.swift")
        return [
            .buildCommand(
                displayName: "Generating the intervention catalogue from Protocol/intervention-catalogue.json",
                executable: try context.tool(named: "catalogue-codegen").url,
                arguments: [input.path, output.path], inputFiles: [input], outputFiles: [output]),
        ]
    }
}
