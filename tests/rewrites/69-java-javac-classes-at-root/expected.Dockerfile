FROM openjdk:8 AS build
COPY Hello.java .
COPY mysql-connector-java-8.0.13.jar .
RUN javac Hello.java

FROM eclipse-temurin:8-jre
COPY --from=build /mysql-connector-java-8.0.13.jar /mysql-connector-java-8.0.13.jar
COPY --from=build /*.class /
CMD ["java", "-classpath", "mysql-connector-java-8.0.13.jar:.", "Hello"]
