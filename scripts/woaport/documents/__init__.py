"""The documents woaport's stages hand each other, each a typed value with a JSON Schema.

Reading the pipeline left to right:

==================  ===========================  ======================================
document            made by                      read by
==================  ===========================  ======================================
``InspectReport``   ``inspect`` (payload check)  ``queue publish``, the build action
``ContractReport``  ``contract run`` (CI/device) ``queue publish``, the device result
``Manifest``        ``queue publish`` (CI)       the device, the controller
``DeviceResult``    ``device poll`` (a laptop)   the controller
``PackageFacts``    the controller's collectors  ``inventory`` (the state of a package)
``Status``          the controller               the README table, the status page
==================  ===========================  ======================================

Every document is a frozen dataclass with ``to_json()`` and a validating
``from_json(data, where=...)`` (its schema is ``woaport/data/<name>.schema.json``; a test
keeps schema and type in step). Verdict words live in :mod:`woaport.documents.verdicts`,
once. Nothing here renders: views do (:mod:`woaport.views`).

Import the submodule you need (``from woaport.documents.manifest import Manifest``): this
package imports nothing on its own, so a command pays only for the documents it reads.
"""
