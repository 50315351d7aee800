"""Talk to a Label Studio server through label-studio-sdk; run with the server environment's
Python (tests/labelstudio_server.py). Prints one JSON object.

  labelstudio_client.py URL TOKEN roundtrip CONFIG TASKS EXPORT
      create a project with the config, import the tasks, export the project's tasks as JSON
      to EXPORT; prints the project id and the task ids.
"""

import json
import sys

from label_studio_sdk import LabelStudio


def roundtrip(client: LabelStudio, config_path: str, tasks_path: str, export_path: str) -> dict:
    with open(config_path, encoding="utf-8") as handle:
        config = handle.read()
    with open(tasks_path, encoding="utf-8") as handle:
        tasks = json.load(handle)
    project = client.projects.create(title="CAST-Syria round trip", label_config=config)
    imported = client.projects.import_tasks(id=project.id, request=tasks, return_task_ids=True)
    data = b"".join(client.projects.exports.download_sync(project.id, export_type="JSON", download_all_tasks=True))
    with open(export_path, "wb") as handle:
        handle.write(data)
    return {"project": project.id, "tasks": list(imported.task_ids or []), "annotations": imported.annotation_count}


def main(argv: list[str]) -> int:
    url, token, command, *args = argv
    client = LabelStudio(base_url=url, api_key=token)
    if command != "roundtrip":
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(roundtrip(client, *args)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
